package io.bellwether.core.watch;

/** Why a node stopped a watcher. */
public enum WatchClosed {
  /**
   * It fell too far behind the changes while its consumer was not reading: closed while it can still
   * resume (elsewhere, or here) from its last position.
   */
  SLOW_CONSUMER,
  /**
   * The changes it had not seen are gone: a snapshot replaced this node's state, or the history moved
   * past them. It must read the state again.
   */
  COMPACTED,
  /** The watcher or the node was closed. */
  CLOSED
}
