package io.bellwether.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Tells where peers are: node id to {@link PeerAddress}. A source of <em>addresses only</em>, never of
 * who votes: voting membership is Raft state, so a discovery system's own split brain can never become
 * a Bellwether split brain.
 *
 * <p>Implementations are thread-safe: {@link #lookup} and {@link #peers} are called from the node's
 * runtime thread and from transport threads, and must not block on the network.
 */
public interface Discovery extends AutoCloseable {

  /**
   * Starts discovery and announces this node. Listener calls arrive from discovery's own threads; the
   * listener must not block (the node hands each change to its inbox). May block while joining.
   *
   * @throws IllegalStateException if this node cannot be announced (for example, its id is taken)
   */
  void start(Listener listener);

  /** The address of {@code nodeId} as last known, including this node's own. Never blocks. */
  Optional<PeerAddress> lookup(String nodeId);

  /** Every known node's address, this node's included, as an immutable map. Never blocks. */
  Map<String, PeerAddress> peers();

  /** Leaves the cluster and stops. Idempotent. */
  @Override
  void close();

  /** Hears about address changes. */
  @FunctionalInterface
  interface Listener {
    /** The known addresses changed; {@code peers} is the complete new view. Must not block. */
    void onPeersChanged(Map<String, PeerAddress> peers);
  }
}
