package io.bellwether.bench.load;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One connection's closed loop: one request outstanding at a time, the next one sent when the answer
 * arrives. With a rate, worker {@code i} of {@code n} owns the global send slots {@code i, i+n,
 * i+2n, ...} at {@code 1/rate} apart; it waits for a slot that is still ahead and sends at once when
 * behind, and latency is taken from the slot's time (the intended start), so a slow answer counts
 * against every request it delayed (no coordinated omission).
 *
 * <p>Everything runs on the worker's own event-loop context: the stats need no locks.
 */
final class Worker {

  /**
   * The shape of the load, shared by all workers. {@code fill}: for {@link Workload#FILL} the keys
   * still to write, else null.
   */
  record Plan(Workload workload, double readFraction, Placement writeTo, Placement readFrom, int keys,
      double rate, int connections, long errorBackoffMillis, FillCursor fill) { }

  private final int index;
  private final Plan plan;
  private final Vertx vertx;
  private final Context context;
  private final HttpOps ops;
  private final Protocol protocol;
  private final Router router;
  private final LeaderTracker tracker;
  private final RunClock clock;
  private final Timeline timeline;
  private final OpListener listener;
  private final SplittableRandom random;
  private final Promise<WorkerStats> done = Promise.promise();
  final WorkerStats stats = new WorkerStats();
  /** The worker's next global slot number (rate mode). */
  private long slot;
  /** Fill: the key this worker writes next (taken from the cursor, kept until written), or -1. */
  private int fillKey = -1;

  Worker(int index, Plan plan, Vertx vertx, HttpOps ops, Protocol protocol, Router router, LeaderTracker tracker,
      RunClock clock, Timeline timeline, OpListener listener, long seed) {
    this.index = index;
    this.plan = plan;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.ops = ops;
    this.protocol = protocol;
    this.router = router;
    this.tracker = tracker;
    this.clock = clock;
    this.timeline = timeline;
    this.listener = listener;
    this.random = new SplittableRandom(seed);
    this.slot = index;
  }

  /** Starts the loop; the future completes with the stats once the worker has stopped. */
  Future<WorkerStats> start() {
    context.runOnContext(v -> next());
    return done.future();
  }

  private void next() {
    if (plan.fill() != null && fillKey < 0) {
      fillKey = plan.fill().next();
      if (fillKey < 0) {
        done.tryComplete(stats);
        return;
      }
    }
    long now = System.nanoTime();
    if (plan.rate() <= 0) {
      if (now >= clock.end()) {
        done.tryComplete(stats);
        return;
      }
      send(now);
      return;
    }
    long intended = clock.start + (long) (slot * (1e9 / plan.rate()));
    if (intended >= clock.end()) {
      done.tryComplete(stats);
      return;
    }
    if (now >= clock.end()) {
      // Behind schedule when time is up: the slots still due are not sent (the run would otherwise
      // outlast its duration by as long as the system is slow), but they are reported, never hidden.
      long firstAfterEnd = (long) Math.ceil((clock.end() - clock.start) * plan.rate() / 1e9);
      stats.unsent += Math.max(0, (firstAfterEnd - slot + plan.connections() - 1) / plan.connections());
      done.tryComplete(stats);
      return;
    }
    slot += plan.connections();
    long waitMillis = TimeUnit.NANOSECONDS.toMillis(intended - now);
    // Vert.x timers have millisecond resolution; a slot less than 1 ms ahead is sent now.
    if (waitMillis >= 1) vertx.setTimer(waitMillis, id -> send(intended));
    else send(intended);
  }

  private void send(long intended) {
    boolean read = plan.workload() == Workload.READ || plan.workload() == Workload.KEEPALIVE
        || (plan.workload() == Workload.MIXED && random.nextDouble() < plan.readFraction());
    int key = plan.fill() != null ? fillKey : random.nextInt(plan.keys());
    Endpoint endpoint = router.pick(read ? plan.readFrom() : plan.writeTo(), index);
    Req req = plan.workload() == Workload.KEEPALIVE ? protocol.keepalive(key)
        : read ? protocol.read(key) : protocol.write(key);
    boolean measured = intended >= clock.measureFrom;
    if (measured) stats.sent++;
    long sent = System.nanoTime();
    ops.send(endpoint, req, read).onComplete(ar -> {
      long finished = System.nanoTime();
      Outcome outcome = ar.succeeded() ? ar.result() : HttpOps.failure(ar.cause());
      timeline.record(finished, outcome.success());
      listener.completed(read, sent, finished, endpoint, outcome);
      if (measured) {
        if (outcome.success()) stats.success(read, (finished - intended) / 1_000, outcome.notFound());
        else stats.error(read, outcome.errorKind());
      }
      if (outcome.leaderChanged()) tracker.invalidate();
      // A fill moves on only once the key is written: a failed write is retried on the same key.
      if (outcome.success() && plan.fill() != null) fillKey = -1;
      // Back off a little after a failure: a refused connection fails in microseconds, and spinning
      // on it would only burn the CPU the surviving nodes need.
      if (!outcome.success() && plan.errorBackoffMillis() > 0) vertx.setTimer(plan.errorBackoffMillis(), id -> next());
      else next();
    });
  }
}
