package io.bellwether.core.engine;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower (Raft Figure 2, "volatile state on leaders", plus flow control).
 *
 * <p>In {@link State#PROBE} the leader does not know where the follower's log matches, so it sends one
 * AppendEntries at a time and waits for the answer. Once one succeeds it switches to {@link
 * State#REPLICATE} and pipelines: it sends ahead optimistically, bounded by a window of in-flight
 * messages, so one slow follower costs a bounded amount of memory and bandwidth.
 */
final class Progress {

  enum State {
    PROBE,
    REPLICATE,
    /** The follower needs entries we compacted away: a snapshot is being sent, chunk by chunk. */
    SNAPSHOT
  }

  /** Highest index known to be replicated on the follower. */
  long matchIndex;

  /** Index of the next entry to send. */
  long nextIndex;

  State state = State.PROBE;

  /** In PROBE: an AppendEntries is out and unanswered. */
  boolean probeSent;

  /** Heard from the follower since the last check-quorum round. */
  boolean recentActive;

  /** A successful append answer arrived since the last heartbeat answer: the pipeline is moving. */
  boolean ackedSinceHeartbeat;

  /** Highest read sequence the follower echoed (ReadIndex acknowledgements). */
  long ackedReadSeq;

  /**
   * Highest read sequence the follower echoed while saying its vote-refusal promise covers our
   * lease: only these acknowledgements extend the lease (see {@link LeaseTiming}).
   */
  long leaseAckedReadSeq;

  /** The follower's last heartbeat answer said its promise is shorter than our lease assumes. */
  boolean promiseShortOfLease;

  /** In SNAPSHOT: the snapshot being sent (kept even if a newer one is taken meanwhile). */
  io.bellwether.core.spi.Snapshot snapshot;

  /** In SNAPSHOT: the offset of the next chunk to send, and whether a chunk is unanswered. */
  long snapshotOffset;

  boolean snapshotChunkInFlight;

  /** Last index of each in-flight AppendEntries, oldest first. */
  private final ArrayDeque<Long> inflight = new ArrayDeque<>();

  private final int maxInflight;

  Progress(long nextIndex, int maxInflight) {
    this.nextIndex = nextIndex;
    this.maxInflight = maxInflight;
  }

  boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflight.size() >= maxInflight;
      case SNAPSHOT -> true; // appends wait until the snapshot is installed
    };
  }

  void sent(long lastIndex) {
    if (state == State.REPLICATE) {
      nextIndex = lastIndex + 1;
      inflight.addLast(lastIndex);
    } else {
      probeSent = true;
    }
  }

  /** Records a successful append up to {@code index}; returns whether matchIndex rose. */
  boolean acknowledge(long index) {
    ackedSinceHeartbeat = true;
    while (!inflight.isEmpty() && inflight.peekFirst() <= index) inflight.pollFirst();
    boolean rose = index > matchIndex;
    if (rose) matchIndex = index;
    nextIndex = Math.max(nextIndex, matchIndex + 1);
    // Any success answers our probe: the logs match up to matchIndex, so pipelining may start.
    if (state == State.PROBE) becomeReplicate();
    return rose;
  }

  void becomeSnapshot(io.bellwether.core.spi.Snapshot s) {
    state = State.SNAPSHOT;
    snapshot = s;
    snapshotOffset = 0;
    snapshotChunkInFlight = false;
    inflight.clear();
  }

  void becomeProbe(long next) {
    snapshot = null;
    state = State.PROBE;
    probeSent = false;
    inflight.clear();
    nextIndex = Math.max(next, matchIndex + 1);
  }

  private void becomeReplicate() {
    state = State.REPLICATE;
    probeSent = false;
    inflight.clear();
    nextIndex = matchIndex + 1;
  }

  boolean hasInflight() {
    return !inflight.isEmpty();
  }

  @Override
  public String toString() {
    return state + "[match=" + matchIndex + " next=" + nextIndex + " inflight=" + inflight.size() + "]";
  }
}
