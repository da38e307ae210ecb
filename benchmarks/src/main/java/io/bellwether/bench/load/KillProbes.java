package io.bellwether.bench.load;

import io.vertx.core.Context;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * After the kill, an open-loop trickle of fresh writes, one every {@code interval}, to the surviving
 * members in turn, each on a connection of its own and with its own timeout. Without it the first
 * write after the kill could only be sent once a worker's request in flight at the kill (which may
 * hang until the timeout) came back, and the measure would be the client's timeout, not the system's.
 * At most one timeout's worth of probes is in flight (timeout / interval, plus a margin).
 */
final class KillProbes {

  private final Harness h;
  private final List<Endpoint> survivors;
  private HttpOps ops;
  private int maxInFlight;
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
    this.probe = probe;
    this.timeline = timeline;
  }

  void start(long intervalMillis, int keys) {
    // Room for every probe one timeout can hold: a probe sent to a member that forwards to a frozen
    // leader hangs until its timeout, and a smaller cap would stop fresh probes exactly while a new
    // leader is being elected (seen with --signal STOP: 64 probes, then nothing for 5 s).
    long interval = Math.max(1, intervalMillis);
    maxInFlight = (int) Math.min(4096, h.timeout.toMillis() / interval + 16);
    ops = new HttpOps(h.connectionClient(maxInFlight), h.protocol, h.timeout);
    context = h.vertx.getOrCreateContext();
    context.runOnContext(v -> {
      fire(keys);
      timerId = h.vertx.setPeriodic(Math.max(1, intervalMillis), id -> fire(keys));
    });
  }

  private void fire(int keys) {
    if (stopped || inFlight.get() >= maxInFlight) return;
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
