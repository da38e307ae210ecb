package io.bellwether.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A granted lease that this client keeps alive: a keepalive every {@code ttl / 3} on the client's
 * timer, until {@link #close()} or {@link #revoke()}. Thread-safe.
 *
 * <p><b>Lost</b> means this client can no longer be sure the lease lives: a keepalive was answered 404
 * {@code LEASE_NOT_FOUND} (it expired or someone revoked it), or no keepalive succeeded for a whole TTL
 * counted from the moment the last successful one (or the grant) was <em>sent</em>. The node keeps a
 * lease at least a TTL after a keepalive <em>reaches</em> the leader, which is later than it was sent,
 * so while {@link #isAlive()} is true the lease certainly has not expired (as long as the nodes' and
 * this machine's clocks run at the same rate). Once lost it stays lost: keepalives stop, and the {@link
 * #onLost} callbacks run, once each, on a client thread. Closing the {@link BellwetherClient} stops the
 * keepalives without revoking or calling back: the lease then expires after its TTL.
 */
public final class Lease implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  private final Leases leases;
  private final long id;
  private final Duration ttl;
  private final long grantIndex;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final List<Runnable> onLost = new ArrayList<>();
  private ScheduledExecutorService scheduler;
  private Executor executor;
  private long lastSent; // System.nanoTime() of the send of the last successful keepalive or the grant
  private boolean stopped;
  private String lostReason;
  private ScheduledFuture<?> keepalives;
  private ScheduledFuture<?> expiry;

  Lease(Leases leases, long id, Duration ttl, long grantIndex, long grantSent) {
    this.leases = leases;
    this.id = id;
    this.ttl = ttl;
    this.grantIndex = grantIndex;
    this.lastSent = grantSent;
  }

  synchronized void start(ScheduledExecutorService scheduler, Executor executor) {
    this.scheduler = scheduler;
    this.executor = executor;
    long every = Math.max(1, ttl.toMillis() / 3);
    // The timer only hands off: a keepalive blocks on the network and must not hold up other timers.
    keepalives = scheduler.scheduleWithFixedDelay(() -> run(this::keepAlive), every, every, TimeUnit.MILLISECONDS);
    armExpiry();
  }

  /** The lease's id (the log index of its grant); what {@link PutOptions#withLease} takes. */
  public long id() {
    return id;
  }

  public Duration ttl() {
    return ttl;
  }

  /** The log index at which it was granted. */
  public long grantIndex() {
    return grantIndex;
  }

  /** Whether the lease certainly lives now: not lost, not closed or revoked, kept alive within its TTL. */
  public synchronized boolean isAlive() {
    return !stopped && lostReason == null && System.nanoTime() - lastSent < ttl.toNanos();
  }

  /**
   * How long the lease certainly lives from now: its TTL less the time since the last successful
   * keepalive (or the grant) was sent; zero once lost, closed, revoked or overdue.
   */
  public synchronized Duration guaranteedFor() {
    if (stopped || lostReason != null) return Duration.ZERO;
    long left = ttl.toNanos() - (System.nanoTime() - lastSent);
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** Why it was lost, or null while it is not. */
  public synchronized String lostReason() {
    return lostReason;
  }

  /**
   * Calls {@code callback} once when the lease is lost (at once, on this thread, if it already is).
   * Not called after {@link #close()} or {@link #revoke()}.
   */
  public void onLost(Runnable callback) {
    synchronized (this) {
      if (lostReason == null) {
        onLost.add(callback);
        return;
      }
    }
    callback.run();
  }

  /**
   * Stops the keepalives and revokes the lease: it ends now, and its keys are deleted. Blocking.
   *
   * @throws NotAppliedException certainly not revoked (it expires after its TTL anyway)
   * @throws OutcomeUnknownException it may have been revoked
   */
  public LeaseRevocation revoke() {
    stop();
    return leases.revoke(id);
  }

  /**
   * Stops the keepalives and revokes the lease; a failed revocation is logged, not thrown (the lease
   * then expires after its TTL). Blocking; idempotent in effect.
   */
  @Override
  public void close() {
    stop();
    try {
      leases.revoke(id);
    } catch (BellwetherClientException e) {
      LOG.warn("lease {}: revocation failed ({}); it expires within {} s", id, e.getMessage(), ttl.toSeconds());
    }
  }

  private void keepAlive() {
    if (!inFlight.compareAndSet(false, true)) return; // the previous one is still trying
    try {
      synchronized (this) {
        if (stopped || lostReason != null) return;
      }
      long sent = System.nanoTime();
      // Retry within a third of the TTL: the next keepalive is due then anyway.
      Duration third = ttl.dividedBy(3);
      RetryPolicy retry = new RetryPolicy(1000, third, Duration.ofMillis(20), Duration.ofMillis(250));
      Duration attempt = third.compareTo(Duration.ofMillis(200)) < 0 ? Duration.ofMillis(200) : third;
      if (!leases.keepAlive(id, retry, attempt)) {
        lost("the node no longer knows it (LEASE_NOT_FOUND): it expired or was revoked");
        return;
      }
      synchronized (this) {
        if (sent - lastSent > 0) lastSent = sent;
        armExpiry();
      }
    } catch (BellwetherClientException e) {
      LOG.debug("lease {}: keepalive failed: {}", id, e.getMessage());
    } finally {
      inFlight.set(false);
    }
  }

  /** Arms the timer that declares the lease lost a TTL after the last successful keepalive's send. */
  private synchronized void armExpiry() {
    if (expiry != null) expiry.cancel(false);
    if (stopped || lostReason != null) return;
    long left = lastSent + ttl.toNanos() - System.nanoTime();
    try {
      expiry = scheduler.schedule(() -> {
        synchronized (this) {
          if (System.nanoTime() - lastSent < ttl.toNanos()) return; // renewed meanwhile
        }
        lost("no keepalive succeeded for its TTL of " + ttl.toSeconds() + " s");
      }, Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // the client is closed
    }
  }

  private void lost(String reason) {
    List<Runnable> callbacks;
    synchronized (this) {
      if (stopped || lostReason != null) return;
      lostReason = reason;
      cancelTimers();
      callbacks = List.copyOf(onLost);
      onLost.clear();
    }
    LOG.info("lease {} lost: {}", id, reason);
    for (Runnable c : callbacks) run(c);
  }

  private synchronized void stop() {
    stopped = true;
    cancelTimers();
  }

  private void cancelTimers() {
    if (keepalives != null) keepalives.cancel(false);
    if (expiry != null) expiry.cancel(false);
  }

  private void run(Runnable task) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("lease {}: a callback failed", id, e);
        }
      });
    } catch (RejectedExecutionException e) {
      // the client is closed: nothing more to do for this lease
    }
  }

  @Override
  public String toString() {
    return "Lease[" + id + ", ttl " + ttl.toSeconds() + " s]";
  }
}
