package io.bellwether.client.recipes;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.BellwetherClientException;
import io.bellwether.client.Lease;

/**
 * A held {@link DistributedLock}: its key and the lease that keeps it. Thread-safe.
 *
 * <p>The lock is held while its key exists; the key goes when {@link #release()} deletes it, or when
 * the lease ends (this client stopped keeping it alive, or someone revoked it). {@link #isHeld()}
 * turns false when the lease is <em>lost</em> in {@link Lease}'s sense (this client can no longer be
 * sure it lives), before the node can have expired it; pass {@link #fencingToken()} with every
 * write the lock protects, so that a resource can refuse a holder that was paused past its lease.
 */
public final class LockHandle implements AutoCloseable {

  private final BellwetherClient client;
  private final String key;
  private final long token;
  private final Lease lease;
  private volatile boolean released;

  LockHandle(BellwetherClient client, String key, long token, Lease lease) {
    this.client = client;
    this.key = key;
    this.token = token;
    this.lease = lease;
  }

  /**
   * The version of this holder's key: the log index that created it. Strictly greater than every
   * earlier holder's token of the same lock (keys are created in log order, never rewritten, and the
   * lowest one holds).
   */
  public long fencingToken() {
    return token;
  }

  /** The key that holds the lock, {@code <lock prefix>/<lease id>}. */
  public String key() {
    return key;
  }

  /** The lease the key is attached to. */
  public Lease lease() {
    return lease;
  }

  /** Whether this holder can still be sure it holds the lock: not released, lease not lost. */
  public boolean isHeld() {
    return !released && lease.isAlive();
  }

  /**
   * Runs {@code callback} once, on a client thread, if the lease is lost while held (at once if it
   * already is). Not run after {@link #release()}.
   */
  public void onLost(Runnable callback) {
    lease.onLost(() -> {
      if (!released) callback.run();
    });
  }

  /**
   * Releases the lock: deletes its key (the next waiter takes over once the deletion applies), then
   * revokes the lease. Blocking; idempotent. A failed deletion is not thrown: revoking the lease
   * deletes the key too, and failing that, the key goes when the lease expires.
   */
  public void release() {
    if (released) return;
    released = true;
    try {
      client.delete(key);
    } catch (BellwetherClientException e) {
      // The revocation below (or, failing that, the expiry) deletes the key.
    }
    lease.close();
  }

  /** {@link #release()}. */
  @Override
  public void close() {
    release();
  }

  @Override
  public String toString() {
    return "LockHandle[" + key + ", token " + token + "]";
  }
}
