package io.bellwether.client.recipes;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.client.KeyValue;
import io.bellwether.client.ScanPage;
import io.bellwether.client.Watch;
import io.bellwether.client.WatchEvent;
import io.bellwether.client.WatchListener;
import io.bellwether.client.WatchRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Leader election over a Bellwether cluster, on {@link DistributedLock}'s ordering: each candidate
 * creates {@code <name>/<lease id>} holding its value; the candidate with the lowest key version leads,
 * and the others wait in version order. A leader that resigns, or dies and lets its lease expire,
 * hands over to the next. Thread-safe; one instance campaigns for one candidate at a time.
 */
public final class LeaderElection implements AutoCloseable {

  private final BellwetherClient client;
  private final DistributedLock lock;
  private volatile LockHandle leadership;

  /**
   * @param name the election's key prefix (not empty)
   * @param ttl the candidates' lease TTL: how long a dead leader blocks the election (>= 1 s)
   */
  public LeaderElection(BellwetherClient client, String name, Duration ttl) {
    this.client = Objects.requireNonNull(client, "client");
    this.lock = new DistributedLock(client, name, ttl);
  }

  /**
   * Stands as a candidate with {@code value} and waits until this candidate leads, at most {@code
   * timeout}. Blocking.
   *
   * @return the leadership: its {@link LockHandle#fencingToken()} is the leader's term, strictly
   *     greater than every earlier leader's; {@link LockHandle#isHeld()} turns false if it is lost
   * @throws IllegalStateException this instance already leads
   * @throws TimeoutException not elected in time (the candidacy is withdrawn)
   * @throws InterruptedException interrupted while waiting (likewise)
   */
  public LockHandle campaign(String value, Duration timeout) throws InterruptedException, TimeoutException {
    if (isLeader()) throw new IllegalStateException("this candidate already leads");
    LockHandle h = lock.acquire(timeout, value.getBytes(StandardCharsets.UTF_8));
    leadership = h;
    return h;
  }

  /** Whether this candidate leads and can still be sure of it (its lease not lost). */
  public boolean isLeader() {
    LockHandle h = leadership;
    return h != null && h.isHeld();
  }

  /**
   * The current leader's value, read now (a linearizable scan); empty when nobody leads.
   *
   * @throws io.bellwether.client.BellwetherClientException the read failed
   */
  public Optional<String> leader() {
    return leaderOf(client.scan(lock.prefix(), DistributedLock.MAX_WAITERS, Consistency.LINEARIZABLE));
  }

  /**
   * Calls {@code listener} with the leader's value now, then each time it changes (empty: nobody
   * leads), on the returned watch's thread, until the watch is closed. Each change of the election's
   * keys is followed by a fresh read, so the listener may skip a leader that came and went quickly,
   * but its last call is always the current leader.
   */
  public Watch observe(Consumer<Optional<String>> listener) {
    ScanPage page = client.scan(lock.prefix(), DistributedLock.MAX_WAITERS, Consistency.LINEARIZABLE);
    Optional<String> first = leaderOf(page);
    listener.accept(first);
    return client.watch(WatchRequest.prefix(lock.prefix()).fromIndex(page.appliedIndex() + 1), new WatchListener() {
      private Optional<String> last = first;

      @Override
      public void onEvent(WatchEvent event) {
        Optional<String> now = leader();
        if (!now.equals(last)) {
          last = now;
          listener.accept(now);
        }
      }
    });
  }

  /** Gives up the leadership (or nothing, when not leading): the next candidate takes over. Blocking. */
  public void resign() {
    LockHandle h = leadership;
    leadership = null;
    if (h != null) h.release();
  }

  /** {@link #resign()}. */
  @Override
  public void close() {
    resign();
  }

  private static Optional<String> leaderOf(ScanPage page) {
    KeyValue lowest = null;
    for (KeyValue kv : page.entries()) if (lowest == null || kv.version() < lowest.version()) lowest = kv;
    return lowest == null ? Optional.empty() : Optional.of(lowest.valueAsString());
  }
}
