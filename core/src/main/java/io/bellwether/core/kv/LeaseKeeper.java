package io.bellwether.core.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The leader's clock for every lease: when each one runs out. This is soft state, kept on every node
 * but acted on only by a leader: the replicated state knows which leases exist and their time to live
 * (a {@link KvStateListener} keeps this table in step with it), and only the leader decides, by its own
 * monotonic clock, that a lease ran out; that decision reaches every replica as a {@link
 * LeaseCommand.Expire} entry.
 *
 * <p><b>The guarantee.</b> A leader that starts leading in a term first gives every lease a full time
 * to live from that moment ({@link #lead}), as etcd's lessor does on promotion. A keepalive is
 * answered only after a linearizable read of the lease confirmed this node's leadership after the
 * keepalive arrived (see {@link KvLeases#keepAlive}); any later leader was elected after that
 * confirmation, so its own fresh time to live starts later still. Hence a lease never expires sooner
 * than its TTL after the moment its last successful keepalive (or its grant) reached the leader, on
 * any leader, across any number of failovers, as long as the nodes' clocks run at the same rate.
 * A keepalive that arrives after the lease's deadline passed is refused, even if the expiry is not
 * applied yet, so no client is told "kept alive" about a lease on its way out.
 *
 * <p><b>Threading.</b> Thread-safe: the node thread reports the state's changes, request threads
 * keep leases alive, and the expiry loop asks what is due; all under this object's lock, which is
 * never held while calling out.
 */
public final class LeaseKeeper implements KvStateListener {

  /** The outcome of a keepalive. */
  public enum KeepAlive {
    /** The lease lives a full TTL from now. */
    RENEWED,
    /** The lease does not exist, or its deadline passed and its expiry is on its way. */
    NOT_FOUND
  }

  private static final class Clock {
    final long ttlNanos;
    long deadlineNanos;
    /** When an expiry proposed for it may be proposed again, or Long.MIN_VALUE if none is out. */
    long retryAtNanos = Long.MIN_VALUE;
    /** How many times it was handed out in this term: each retry waits twice as long as the last. */
    int handedOut;

    Clock(long ttlNanos, long deadlineNanos) {
      this.ttlNanos = ttlNanos;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /** Retries of one expiry wait at most this many times {@code retryNanos}. */
  static final int MAX_BACKOFF = 64;

  /** A lease to look at again at {@code atNanos}: at its deadline, or when its expiry may be retried. */
  private record Check(long atNanos, long id) {}

  private final LongSupplier nanoTime;
  private final long retryNanos;
  private final Map<Long, Clock> clocks = new HashMap<>();
  /**
   * One check per lease, soonest first, so {@link #due} looks only at what may be due instead of every
   * lease every time. A check may be early (a keepalive moved the deadline since): it is then put back
   * at the new time. It is never late: nothing moves a deadline earlier except {@link #lead} and
   * {@link #restored}, which rebuild the queue. A check of an ended lease is dropped when it comes up.
   */
  private final PriorityQueue<Check> checks = new PriorityQueue<>(Comparator.comparingLong(Check::atNanos));
  /** Checks of ended leases still queued: once they outnumber the leases, the queue is rebuilt. */
  private int endedChecks;
  /** The term in which this node last started leading (deadlines reset), or -1 while not leading. */
  private long leadingTerm = -1;

  /**
   * @param nanoTime a monotonic clock ({@code System::nanoTime} outside simulations)
   * @param retryNanos how long an expiry proposal may stay unapplied before it is proposed again
   */
  public LeaseKeeper(LongSupplier nanoTime, long retryNanos) {
    this.nanoTime = nanoTime;
    this.retryNanos = retryNanos;
  }

  @Override
  public synchronized void leaseGranted(long id, long ttlSeconds) {
    long ttl = ttlSeconds * 1_000_000_000L;
    Clock c = new Clock(ttl, nanoTime.getAsLong() + ttl);
    clocks.put(id, c);
    checks.add(new Check(c.deadlineNanos, id));
  }

  @Override
  public synchronized void leaseEnded(long id) {
    if (clocks.remove(id) == null) return;
    // Its check stays queued until its time, which may be days away: many leases revoked early would
    // pile up, so the queue is rebuilt once they outnumber the live ones (amortised O(log n) each).
    if (++endedChecks > 1024 && endedChecks > clocks.size()) rebuildChecks();
  }

  @Override
  public synchronized void restored(long index, Map<Long, Long> leases) {
    clocks.clear();
    long now = nanoTime.getAsLong();
    leases.forEach((id, ttlSeconds) -> {
      long ttl = ttlSeconds * 1_000_000_000L;
      clocks.put(id, new Clock(ttl, now + ttl));
    });
    rebuildChecks();
  }

  private void rebuildChecks() {
    checks.clear();
    endedChecks = 0;
    clocks.forEach((id, c) -> checks.add(new Check(nextCheck(c), id)));
  }

  private static long nextCheck(Clock c) {
    return c.retryAtNanos != Long.MIN_VALUE ? c.retryAtNanos : c.deadlineNanos;
  }

  /**
   * This node leads in {@code term}. The first call in a term gives every lease a full TTL from now;
   * later calls in the same term change nothing.
   */
  public synchronized void lead(long term) {
    if (term == leadingTerm) return;
    leadingTerm = term;
    long now = nanoTime.getAsLong();
    for (Clock c : clocks.values()) {
      c.deadlineNanos = now + c.ttlNanos;
      c.retryAtNanos = Long.MIN_VALUE;
      c.handedOut = 0;
    }
    rebuildChecks();
  }

  /** This node does not lead (any more): the next {@link #lead} resets every deadline. */
  public synchronized void follow() {
    leadingTerm = -1;
  }

  /**
   * Restarts lease {@code id}'s TTL, as the leader of {@code term}. Call only after a linearizable
   * read found the lease (see the class comment).
   */
  public synchronized KeepAlive keepAlive(long id, long term) {
    lead(term);
    Clock c = clocks.get(id);
    long now = nanoTime.getAsLong();
    if (c == null || c.retryAtNanos != Long.MIN_VALUE || now - c.deadlineNanos >= 0) return KeepAlive.NOT_FOUND;
    c.deadlineNanos = now + c.ttlNanos;
    return KeepAlive.RENEWED;
  }

  /** How long lease {@code id} has left by this leader's clock (0 once due), or empty if unknown. */
  public synchronized OptionalLong remainingNanos(long id, long term) {
    lead(term);
    Clock c = clocks.get(id);
    if (c == null) return OptionalLong.empty();
    return OptionalLong.of(Math.max(0, c.deadlineNanos - nanoTime.getAsLong()));
  }

  /**
   * The leases whose deadline passed, as the leader of {@code term}, to be expired through the log.
   * Each is handed out once, then again after {@code retryNanos}, then after twice that, four times
   * that, and so on up to {@value #MAX_BACKOFF} times, while it still exists (its expiry may have been
   * refused): applying an expiry twice is harmless. The back-off matters when the log is slow to
   * commit: a leader's own entry of its term is never lost while it leads, so a retry that comes
   * before the first expiry committed only adds to the backlog, and retries at a fixed pace for many
   * due leases would fill the log faster than it commits.
   */
  public synchronized List<Long> due(long term) {
    lead(term);
    long now = nanoTime.getAsLong();
    List<Long> due = new ArrayList<>();
    while (!checks.isEmpty() && now - checks.peek().atNanos() >= 0) {
      Check check = checks.poll();
      Clock c = clocks.get(check.id());
      if (c == null) { // ended
        endedChecks--;
        continue;
      }
      long at = nextCheck(c);
      if (now - at < 0) {
        checks.add(new Check(at, check.id())); // kept alive since: look again at the new deadline
        continue;
      }
      c.retryAtNanos = now + retryNanos * Math.min(MAX_BACKOFF, 1L << Math.min(c.handedOut, 30));
      c.handedOut++;
      checks.add(new Check(c.retryAtNanos, check.id()));
      due.add(check.id());
    }
    due.sort(null);
    return due;
  }

  /** Lease {@code id}'s time to live in seconds, or 0 if unknown. */
  public synchronized long ttlSeconds(long id) {
    Clock c = clocks.get(id);
    return c == null ? 0 : c.ttlNanos / 1_000_000_000L;
  }

  /** How many checks are queued (one per lease, plus ended leases' not yet dropped). */
  synchronized int checksQueued() {
    return checks.size();
  }

  /** How many leases this node knows of. */
  public synchronized int size() {
    return clocks.size();
  }
}
