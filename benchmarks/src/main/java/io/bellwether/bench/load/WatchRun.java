package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one watch fan-out measurement: opens the watchers (round-robin over the endpoints) and waits
 * until each has its start position, runs the write load of {@link LoadRun} on the watched prefix
 * while the ledger matches every event to its write by log index, waits (at most {@code catchUpTimeout})
 * until every watcher has the last acknowledged write, then closes the watchers and adds up.
 */
final class WatchRun {

  private WatchRun() {}

  static WatchReport run(LoadSpec spec, int watchers, Duration catchUpTimeout, Path timelineFile, PrintStream log)
      throws Exception {
    try (Harness h = LoadRun.harness(spec)) {
      // All watchers share one client: one connection per stream, at most `watchers` per endpoint.
      HttpClient client = h.connectionClient(watchers);
      List<WatchConn> conns = new ArrayList<>();
      List<Future<Long>> starts = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < watchers; i++) {
        WatchConn c = new WatchConn(i, spec.endpoints().get(i % spec.endpoints().size()));
        conns.add(c);
        starts.add(c.open(client, spec.keyPrefix(), spec.security().authorization(), spec.timeout()));
      }
      try {
        Harness.await(Future.all(starts), spec.timeout().plusSeconds(30));
      } catch (java.util.concurrent.ExecutionException e) {
        conns.forEach(WatchConn::close);
        throw new IllegalStateException("could not open the watchers: " + e.getCause().getMessage());
      }
      long earliest = starts.stream().mapToLong(Future::result).min().orElse(0);
      log.printf("bellwether-bench: %d watchers of prefix '%s' open in %.2f s (start positions from %d)%n",
          watchers, spec.keyPrefix(), (System.nanoTime() - t0) / 1e9, earliest);
      DeliveryLedger ledger = new DeliveryLedger(watchers, earliest + 1);
      conns.forEach(c -> c.reportTo(ledger));
      OpListener acks = (read, sent, done, endpoint, outcome) -> {
        if (!read && outcome.success() && outcome.index() > 0) ledger.acked(outcome.index(), done);
      };
      LoadReport load = LoadRun.run(h, spec, timelineFile, log, acks, clock -> ledger.windowFrom(clock.measureFrom));
      long loadDone = System.nanoTime();
      boolean caughtUp = awaitCatchUp(ledger, conns, catchUpTimeout);
      double waitedMs = (System.nanoTime() - loadDone) / 1e6;
      conns.forEach(WatchConn::close);
      List<String> closedWith = conns.stream().map(WatchConn::closedWith).toList();
      return new WatchReport(load, watchers, conns.stream().map(WatchConn::endpoint).toList(), closedWith,
          ledger.summary(), caughtUp, waitedMs);
    }
  }

  /** Polls until every watcher still open has the last acknowledged write; false on timeout. */
  private static boolean awaitCatchUp(DeliveryLedger ledger, List<WatchConn> conns, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    boolean[] ended = new boolean[conns.size()];
    while (true) {
      for (int i = 0; i < ended.length; i++) ended[i] = conns.get(i).ended();
      if (ledger.caughtUp(ended)) return true;
      if (System.nanoTime() > deadline) return false;
      // A poll interval, not a wait for something that could tell us: the catch-up time itself is
      // taken from the events' arrival times, not from this loop.
      Thread.sleep(5);
    }
  }
}
