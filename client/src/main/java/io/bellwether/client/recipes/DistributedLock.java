package io.bellwether.client.recipes;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.client.KeyValue;
import io.bellwether.client.Lease;
import io.bellwether.client.PutOptions;
import io.bellwether.client.ScanPage;
import io.bellwether.client.Watch;
import io.bellwether.client.WatchEvent;
import io.bellwether.client.WatchListener;
import io.bellwether.client.WatchRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A mutual-exclusion lock over a Bellwether cluster, as etcd's mutex does it. Each attempt grants a
 * lease (kept alive automatically) and creates the key {@code <name>/<lease id>} attached to it, only
 * if absent. Keys are never rewritten, so a key's version is the log index that created it: the key
 * with the <b>lowest</b> version under {@code <name>/} holds the lock, and the others queue in version
 * order. A waiter watches only the key just before its own (no herd wakes on a release), waits for its
 * deletion, then looks again: that key's holder may have given up rather than held.
 *
 * <p>A holder that dies stops keeping its lease alive; the lease expires after its TTL and takes the
 * key along, and the next waiter proceeds. So the lock is released at the latest a TTL (plus the
 * leader's expiry check and a commit) after the holder's last keepalive.
 *
 * <p>Thread-safe: one instance may serve several threads, each acquiring for itself (the lock is not
 * reentrant: a second acquire by the same thread queues behind the first).
 */
public final class DistributedLock {

  /** The most keys a lock scan reads in one page: more waiters than this is an error. */
  static final int MAX_WAITERS = 10_000;

  private final BellwetherClient client;
  private final String prefix;
  private final Duration ttl;

  /**
   * @param name the lock's key prefix (its keys are {@code name + "/" + lease id}); not empty
   * @param ttl the leases' time to live: how long a dead holder blocks the lock (whole seconds, >= 1 s)
   */
  public DistributedLock(BellwetherClient client, String name, Duration ttl) {
    this.client = Objects.requireNonNull(client, "client");
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("lock name must not be empty");
    this.prefix = name + "/";
    if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("ttl must be >= 1 s, got " + ttl);
    this.ttl = ttl;
  }

  /**
   * Waits until this caller holds the lock, at most {@code timeout}. Blocking.
   *
   * @return the held lock: {@link LockHandle#release()} it when done
   * @throws TimeoutException not acquired in time (this attempt's key and lease are removed)
   * @throws InterruptedException interrupted while waiting (likewise)
   * @throws IllegalStateException this attempt's lease was lost while waiting
   * @throws io.bellwether.client.BellwetherClientException a call to the cluster failed
   */
  public LockHandle acquire(Duration timeout) throws InterruptedException, TimeoutException {
    return acquire(timeout, new byte[0]);
  }

  /** {@link #acquire(Duration)}, with {@code value} stored in this attempt's key (what an election shows). */
  LockHandle acquire(Duration timeout, byte[] value) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Lease lease = client.leases().grant(ttl);
    String key = prefix + lease.id();
    boolean held = false;
    try {
      long mine = client.put(key, value, PutOptions.none().withIfAbsent().withLease(lease.id())).version();
      while (true) {
        ScanPage page = client.scan(prefix, MAX_WAITERS, Consistency.LINEARIZABLE);
        if (page.more()) throw new IllegalStateException("over " + MAX_WAITERS + " keys under lock prefix " + prefix);
        KeyValue before = null;
        boolean present = false;
        for (KeyValue kv : page.entries()) {
          if (kv.key().equals(key)) present = true;
          else if (kv.version() < mine && (before == null || kv.version() > before.version())) before = kv;
        }
        if (!present) {
          throw new IllegalStateException("lock " + prefix + ": this attempt's key " + key + " is gone: its lease ended ("
              + lease.lostReason() + ")");
        }
        if (before == null) {
          held = true;
          return new LockHandle(client, key, mine, lease);
        }
        // From the scan's applied index + 1: a deletion between the scan and the watch is not missed.
        awaitDeletion(before.key(), page.appliedIndex() + 1, lease, deadline);
      }
    } finally {
      if (!held) lease.close(); // revoking deletes this attempt's key: it must not block others
    }
  }

  /** Returns once {@code key} was deleted at or after {@code fromIndex}, or the lease was lost (then look again). */
  private void awaitDeletion(String key, long fromIndex, Lease lease, long deadline)
      throws InterruptedException, TimeoutException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    WatchListener listener = new WatchListener() {
      @Override
      public void onEvent(WatchEvent e) {
        if (e.type() == WatchEvent.Type.DELETE) done.countDown();
      }

      @Override
      public void onCompacted(long oldestIndex) {
        done.countDown(); // the deletion may be among what is gone: look again
      }

      @Override
      public void onError(Throwable error) {
        failed.set(error);
        done.countDown();
      }
    };
    lease.onLost(done::countDown);
    try (Watch w = client.watch(WatchRequest.key(key).fromIndex(fromIndex), listener)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !done.await(left, TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("lock " + prefix + " not acquired in time (waiting for " + key + ")");
      }
    }
    if (failed.get() != null) throw new IllegalStateException("lock " + prefix + ": watching " + key + " failed", failed.get());
  }

  /** The lock's key prefix, {@code name + "/"}. */
  public String prefix() {
    return prefix;
  }
}
