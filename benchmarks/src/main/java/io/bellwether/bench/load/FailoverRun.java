package io.bellwether.bench.load;

import io.vertx.core.Future;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One failover trial: steady writes for {@code settle}, SIGKILL (or SIGSTOP) of the leader's process, then wait
 * (at most {@code maxWait}) for the first write sent after the kill to succeed, keep the load on for
 * {@code tail} so the timeline shows the recovery, and report.
 */
final class FailoverRun {

  private FailoverRun() {}

  static FailoverReport run(FailoverSpec spec, Path timelineFile, PrintStream log) throws Exception {
    KeySpace keys = new KeySpace(spec.keyPrefix(), spec.keys(), spec.valueSize(), spec.seed());
    try (Harness h = new Harness(spec.target(), spec.endpoints(), keys, Consistency.LINEARIZABLE, spec.timeout(),
        spec.security())) {
      Endpoint leader = h.findLeader(Duration.ofSeconds(10));
      Long pid = spec.pids().get(leader);
      if (pid == null) pid = Harness.await(h.protocol.pid(h.control, leader, h.timeout), Duration.ofSeconds(10));
      ProcessHandle process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .orElseThrow(() -> new IllegalStateException("no live process for the leader's pid"));
      log.println("bellwether-bench: leader " + leader + " pid " + pid + "; seed " + spec.seed());
      h.router.exclude(leader);
      List<Endpoint> survivors = spec.endpoints().stream().filter(e -> !e.equals(leader)).toList();

      FailoverProbe probe = new FailoverProbe();
      long start = System.nanoTime();
      RunClock clock = new RunClock(start, start, Long.MAX_VALUE);
      long longest = spec.settle().plus(spec.maxWait()).plus(spec.tail()).plus(spec.timeout()).toNanos();
      Timeline timeline = new Timeline(start, longest + TimeUnit.SECONDS.toNanos(5));
      Worker.Plan plan = new Worker.Plan(Workload.WRITE, 0, spec.writeTo(), Placement.LEADER, spec.keys(), 0,
          spec.connections(), spec.errorBackoff().toMillis(), null);
      List<Future<WorkerStats>> running = new ArrayList<>();
      for (int i = 0; i < spec.connections(); i++) {
        HttpOps ops = new HttpOps(h.connectionClient(1), h.protocol, spec.timeout());
        running.add(new Worker(i, plan, h.vertx, ops, h.protocol, h.router, h.tracker, clock, timeline, probe,
            spec.seed() * 1_000_003L + i).start());
      }
      // The steady phase is a fixed length by design: this is the tool's load, not a wait for a condition.
      Thread.sleep(spec.settle().toMillis());
      if (probe.successesBeforeKill() == 0) log.println("bellwether-bench: WARNING: no write succeeded before the kill");

      if (spec.signal() == FailoverSpec.Signal.STOP) {
        freeze(pid);
      } else {
        process.destroyForcibly();
      }
      // Taken after the signal was sent: a write counts as "after the kill" only if sent later than this.
      long killNanos = System.nanoTime();
      Instant killTime = Instant.now();
      probe.killed(killNanos);
      KillProbes probes = new KillProbes(h, survivors, probe, timeline);
      probes.start(spec.probeInterval().toMillis(), spec.keys());
      log.println("bellwether-bench: " + (spec.signal() == FailoverSpec.Signal.STOP ? "stopped " : "killed ")
          + leader + " (pid " + pid + ") at " + killTime);

      boolean seen = probe.awaitFirstAfterKill(spec.maxWait().toNanos());
      probes.stop();
      if (seen) Thread.sleep(spec.tail().toMillis());
      clock.stopNow();
      Harness.await(Future.all(running), spec.timeout().plusSeconds(10));
      if (spec.signal() == FailoverSpec.Signal.STOP) process.destroyForcibly(); // frozen until now
      boolean exited;
      try {
        process.onExit().get(5, TimeUnit.SECONDS);
        exited = !process.isAlive();
      } catch (java.util.concurrent.TimeoutException e) {
        exited = false;
      }
      String newLeader = null;
      try {
        newLeader = Harness.await(h.tracker.resolve(), Duration.ofSeconds(5)).url();
      } catch (Exception e) {
        log.println("bellwether-bench: no leader found after the trial: " + e.getMessage());
      }
      if (timelineFile != null) timeline.writeCsv(timelineFile);
      WorkerStats total = new WorkerStats();
      running.forEach(f -> total.merge(f.result()));
      long firstNanos = probe.firstAfterKillNanos();
      long gapNanos = probe.gapNanos();
      return new FailoverReport(spec, leader, pid, exited, killTime, (killNanos - start) / 1_000_000,
          firstNanos < 0 ? -1 : firstNanos / 1e6, probe.firstVia(), gapNanos < 0 ? -1 : gapNanos / 1e6,
          timeline.longestGapMs(timeline.bucketOf(killNanos)), newLeader, probe.successesBeforeKill(),
          probe.successesAfterKill(), probes.sent(), total.errors, total.errorCount());
    }
  }

  /** SIGSTOP: the process stays, frozen, with its sockets open. */
  private static void freeze(long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -STOP " + pid + " failed: "
          + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim());
    }
  }
}
