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
    REPLICATE
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
    if (index <= matchIndex) return false;
    matchIndex = index;
    nextIndex = Math.max(nextIndex, index + 1);
    if (state == State.PROBE) becomeReplicate();
    return true;
  }

  void becomeProbe(long next) {
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
