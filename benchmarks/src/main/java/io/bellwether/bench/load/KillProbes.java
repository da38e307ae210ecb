package io.bellwether.bench.load;

import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * After the kill, an open-loop trickle of fresh writes, one every {@code interval}, to the surviving
 * members in turn, each on a connection of its own and with its own timeout. Without it the first
 * write after the kill could only be sent once a worker's request in flight at the kill (which may
 * hang until the timeout) came back, and the measure would be the client's timeout, not the system's.
 */
final class KillProbes {

  private static final int MAX_IN_FLIGHT = 64;
  private final Harness h;
  private final List<Endpoint> survivors;
  private final HttpOps ops;
  private final FailoverProbe probe;
  private final Timeline timeline;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private volatile boolean stopped;
  private long timerId = -1;
  private Context context;

  KillProbes(Harness h, List<Endpoint> survivors, FailoverProbe probe, Timeline timeline) {
    this.h = h;
    this.survivors = survivors;
    this.ops = new HttpOps(h.connectionClient(MAX_IN_FLIGHT), h.protocol, h.timeout);
    this.probe = probe;
    this.timeline = timeline;
  }

  void start(long intervalMillis, int keys) {
    context = h.vertx.getOrCreateContext();
    context.runOnContext(v -> {
      fire(keys);
      timerId = h.vertx.setPeriodic(Math.max(1, intervalMillis), id -> fire(keys));
    });
  }

  private void fire(int keys) {
    if (stopped || inFlight.get() >= MAX_IN_FLIGHT) return;
    int n = sent.getAndIncrement();
    Endpoint endpoint = survivors.get(n % survivors.size());
    inFlight.incrementAndGet();
    long sentAt = System.nanoTime();
    ops.send(endpoint, h.protocol.write(n % keys), false).onComplete(ar -> {
      inFlight.decrementAndGet();
      long done = System.nanoTime();
      Outcome o = ar.result();
      timeline.record(done, o.success());
      probe.completed(false, sentAt, done, endpoint, o);
      if (o.success()) stop();
    });
  }

  /** Stops sending (answers still on the way are still counted). */
  void stop() {
    stopped = true;
    if (context != null) context.runOnContext(v -> {
      if (timerId >= 0) h.vertx.cancelTimer(timerId);
    });
  }

  int sent() {
    return sent.get();
  }
}
