package io.bellwether.bench.load;

import io.vertx.core.Future;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs one load test: look up the leader, preload, run the workers, add up their figures. */
final class LoadRun {

  private LoadRun() {}

  static LoadReport run(LoadSpec spec, Path timelineFile, PrintStream log) throws Exception {
    try (Harness h = harness(spec)) {
      return run(h, spec, timelineFile, log, OpListener.NONE, clock -> { });
    }
  }

  static Harness harness(LoadSpec spec) {
    KeySpace keys = new KeySpace(spec.keyPrefix(), spec.keys(), spec.valueSize(), spec.seed());
    return new Harness(spec.target(), spec.endpoints(), keys, spec.consistency(), spec.timeout(), spec.security());
  }

  /**
   * Runs the load on {@code h} (blocking the calling thread until it is over). {@code listener} is
   * told about every operation (warm-up included); {@code started} gets the run's clock just before
   * the workers start.
   */
  static LoadReport run(Harness h, LoadSpec spec, Path timelineFile, PrintStream log, OpListener listener,
      Consumer<RunClock> started) throws Exception {
    String leader = null;
    if (spec.needsLeader()) {
      leader = h.findLeader(Duration.ofSeconds(10)).url();
      log.println("bellwether-bench: leader " + leader);
    }
    if (spec.preload()) {
      long t0 = System.nanoTime();
      Harness.await(new Preloader(h, spec.writeTo()).run(spec.keys(), spec.connections()), Duration.ofMinutes(30));
      log.printf("bellwether-bench: preloaded %d keys in %.1f s%n", spec.keys(), (System.nanoTime() - t0) / 1e9);
    }
    if (spec.workload() == Workload.KEEPALIVE) {
      long t0 = System.nanoTime();
      long[] ids = Harness.await(new LeaseGranter(h, spec.writeTo()).run(spec.keys(), spec.connections()),
          Duration.ofMinutes(30));
      h.protocol.useLeases(ids);
      log.printf("bellwether-bench: granted %d leases (TTL %d s) in %.1f s%n", ids.length, LeaseGranter.TTL_SECONDS,
          (System.nanoTime() - t0) / 1e9);
    }
    Worker.Plan plan = new Worker.Plan(spec.workload(), spec.readFraction(), spec.writeTo(), spec.readFrom(),
        spec.keys(), spec.rate(), spec.connections(), spec.errorBackoff().toMillis(),
        spec.workload() == Workload.FILL ? new FillCursor(spec.fillFrom(), spec.fillTo()) : null);
    long start = System.nanoTime();
    long measureFrom = start + spec.warmup().toNanos();
    long end = measureFrom + spec.duration().toNanos();
    RunClock clock = new RunClock(start, measureFrom, end);
    Timeline timeline = new Timeline(start, end - start + spec.timeout().toNanos() + 1_000_000_000L);
    started.accept(clock);
    if (spec.workload() == Workload.FILL) {
      log.printf("bellwether-bench: running fill of keys %d..%d (%d keys) for at most %.1f s, seed %d%n",
          spec.fillFrom(), spec.fillTo() - 1, spec.fillCount(), spec.duration().toMillis() / 1000.0, spec.seed());
    } else {
      log.printf("bellwether-bench: running %s for %.1f s after %.1f s of warm-up, seed %d%n",
          spec.workload().name().toLowerCase(), spec.duration().toMillis() / 1000.0, spec.warmup().toMillis() / 1000.0,
          spec.seed());
    }
    List<Future<WorkerStats>> running = new ArrayList<>();
    for (int i = 0; i < spec.connections(); i++) {
      HttpOps ops = new HttpOps(h.connectionClient(1), h.protocol, spec.timeout());
      running.add(new Worker(i, plan, h.vertx, ops, h.protocol, h.router, h.tracker, clock, timeline,
          listener, spec.seed() * 1_000_003L + i).start());
    }
    Harness.await(Future.all(running), spec.warmup().plus(spec.duration()).plus(spec.timeout()).plusSeconds(30));
    double elapsed = (System.nanoTime() - start) / 1e9;
    WorkerStats total = new WorkerStats();
    running.forEach(f -> total.merge(f.result()));
    if (timelineFile != null) timeline.writeCsv(timelineFile);
    long ops = total.successes();
    // A fill ends when its keys are written, usually well before --duration: its rate is over the time it took.
    double seconds = spec.workload() == Workload.FILL ? elapsed : spec.duration().toNanos() / 1e9;
    return new LoadReport(spec, leader, ops, ops / seconds, total.sent, total.unsent, total.errors,
        total.errorCount(), total.notFound, LatencySummary.of(total.reads), LatencySummary.of(total.writes),
        h.tracker.changes(), elapsed);
  }
}
