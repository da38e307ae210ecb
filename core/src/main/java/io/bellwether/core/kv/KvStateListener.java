package io.bellwether.core.kv;

import java.util.List;
import java.util.Map;

/**
 * What a {@link KvStateMachine} tells the parts of a node that follow its state without being part of
 * it: the watch history ({@link io.bellwether.core.watch.ChangeHistory}) and the leader's lease clocks
 * ({@link LeaseKeeper}).
 *
 * <p><b>Threading.</b> Called on the node's runtime thread, inside {@code apply} and {@code restore},
 * in log order. Implementations must be quick and must not throw (an exception stops the node, as any
 * exception from the state machine does); they hand work to other threads themselves.
 */
public interface KvStateListener {

  /**
   * The entry at {@code index} was applied. Called for every entry the state machine applies, even
   * one that changed nothing (a failed condition, an idempotent retry), so followers of the state know
   * how far it got.
   *
   * @param changes the keys it changed, in order; an unmodifiable list, usually of zero or one
   */
  default void applied(long index, List<KvChange> changes) {}

  /** Lease {@code id} was granted with {@code ttlSeconds} to live. Called before {@link #applied}. */
  default void leaseGranted(long id, long ttlSeconds) {}

  /** Lease {@code id} ended (revoked or expired). Called before {@link #applied}. */
  default void leaseEnded(long id) {}

  /**
   * The whole state was replaced by a snapshot taken at {@code index}: what came before is unknown.
   *
   * @param leases every lease's time to live, by id, as of {@code index}
   */
  default void restored(long index, Map<Long, Long> leases) {}
}
