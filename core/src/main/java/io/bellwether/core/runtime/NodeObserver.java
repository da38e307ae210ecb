package io.bellwether.core.runtime;

import io.bellwether.core.engine.Role;
import io.bellwether.core.Membership;

/**
 * Hears what a node does, for metrics and logs. Every method is called on the node thread, right
 * where the event happens: it must be quick and must never block or throw. The defaults do nothing.
 */
public interface NodeObserver {

  /** Observes nothing. */
  NodeObserver NONE = new NodeObserver() {};

  /**
   * A sync made {@code entries} entries (and possibly a hard state or snapshot) durable in {@code
   * durationNanos}: the group-commit batch size and the disk's latency.
   */
  default void synced(long durationNanos, int entries) {}

  /**
   * The node's role, term or known leader changed ({@code leader} null when none is known). A
   * change into {@link Role#CANDIDATE} is an election started by this node.
   */
  default void roleChanged(Role role, long term, String leader) {}

  /**
   * The cluster configuration this node uses changed (it appended, or lost to a truncation, a
   * configuration entry, or installed a snapshot), and once at start. It may not be committed yet.
   */
  default void membershipChanged(Membership membership) {}
}
