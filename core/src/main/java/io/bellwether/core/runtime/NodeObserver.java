package io.bellwether.core.runtime;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Role;
import io.bellwether.core.engine.StepDownReason;

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

  /** This node started an election: it became candidate in {@code term}, for {@code cause}. */
  default void electionStarted(long term, ElectionCause cause) {}

  /**
   * This node knows a leader again, or a different one: {@code leader} leads {@code term}. {@code
   * previousLeader} is the last leader it knew (null if none in this life; it may equal {@code
   * leader} after a gap). {@code leaderlessNanos} is how long this node had no leader to follow:
   * from its last message from the previous leader (or from the node's start) to now; a leader
   * counts as hearing from itself. {@code cause} is this node's own election cause when it is the
   * new leader, else null (the other members do not know why the winner campaigned).
   */
  default void leaderFound(long term, String leader, String previousLeader, long leaderlessNanos,
      ElectionCause cause) {}

  /** This node stopped leading {@code term}, for {@code reason}. */
  default void steppedDown(long term, StepDownReason reason) {}

  /** This node took a snapshot of its state at {@code index}; {@code bytes} is its stored data's size. */
  default void snapshotTaken(long index, long bytes) {}

  /** This node installed a snapshot at {@code index} sent by {@code leader} (null if unknown). */
  default void snapshotInstalled(long index, String leader) {}

  /** As leader, this node started sending its snapshot at {@code index} to {@code follower}. */
  default void snapshotSent(String follower, long index) {}
}
