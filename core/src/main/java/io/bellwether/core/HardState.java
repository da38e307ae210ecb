package io.bellwether.core;

/**
 * The state a node must never forget (Raft Figure 2, "persistent state on all servers"): its current
 * term and whom it voted for in that term. A node that forgets its vote could vote twice in one term
 * and so let two leaders be elected. {@code commitIndex} is saved too, for operators and tools
 * only: the engine does not trust it on restart, because a crash may keep the hard state while
 * losing the entries staged with it (see {@code RaftLog}'s constructor).
 *
 * @param votedFor node id voted for in {@code term}, or {@code null}
 */
public record HardState(long term, String votedFor, long commitIndex) {

  public static final HardState INITIAL = new HardState(0, null, 0);

  public HardState {
    if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
    if (commitIndex < 0) throw new IllegalArgumentException("commitIndex must be >= 0: " + commitIndex);
  }
}
