package io.bellwether.core.engine;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower's log (Raft Figure 2, "volatile state on leaders", plus flow
 * control), changed only through methods named after what happened.
 *
 * <p>In {@link State#PROBE} the leader does not know where the follower's log matches, so it sends one
 * AppendEntries at a time and waits for the answer. Once one succeeds it switches to {@link
 * State#REPLICATE} and pipelines: it sends ahead optimistically, bounded by a window of in-flight
 * messages, so one slow follower costs a bounded amount of memory and bandwidth. In {@link
 * State#SNAPSHOT} the follower needs entries the leader compacted away, and a {@link
 * SnapshotTransfer} is under way; appends wait until it is installed.
 *
 * <p>Beside the log position it keeps two flags about the follower's liveness: whether it answered
 * since the last check-quorum round ({@link #recentlyActive}), and whether its replication moved
 * since its last heartbeat answer ({@link #heartbeatAnswered}), which is how a lost message is
 * noticed.
 */
final class Progress {

  enum State {
    PROBE,
    REPLICATE,
    /** The follower needs entries we compacted away: a snapshot is being sent, chunk by chunk. */
    SNAPSHOT
  }

  /** Highest index known to be replicated on the follower. */
  private long matchIndex;

  /** Index of the next entry to send. */
  private long nextIndex;

  private State state = State.PROBE;

  /** In PROBE: an AppendEntries is out and unanswered. */
  private boolean probeSent;

  /** Heard from the follower since the last check-quorum round. */
  private boolean recentActive;

  /** Tick of the follower's last answer; far in the past until it answers at all. */
  private long heardAt = Long.MIN_VALUE / 2;

  /** An append or snapshot chunk was answered since the last heartbeat answer: it is moving. */
  private boolean progressedSinceHeartbeat;

  /** In SNAPSHOT: the snapshot on its way to the follower. */
  private SnapshotTransfer snapshot;

  /** Last index of each in-flight AppendEntries, oldest first. */
  private final ArrayDeque<Long> inflight = new ArrayDeque<>();

  private final int maxInflight;

  Progress(long nextIndex, int maxInflight) {
    this.nextIndex = nextIndex;
    this.maxInflight = maxInflight;
  }

  long matchIndex() {
    return matchIndex;
  }

  long nextIndex() {
    return nextIndex;
  }

  State state() {
    return state;
  }

  /** In SNAPSHOT: the transfer under way; else null. */
  SnapshotTransfer snapshotTransfer() {
    return snapshot;
  }

  /** Whether no AppendEntries may be sent now: a probe is out, the window is full, or a snapshot. */
  boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflight.size() >= maxInflight;
      case SNAPSHOT -> true; // appends wait until the snapshot is installed
    };
  }

  boolean hasInflight() {
    return !inflight.isEmpty();
  }

  /** An AppendEntries ending at {@code lastIndex} was sent. */
  void appendSent(long lastIndex) {
    if (state == State.REPLICATE) {
      nextIndex = lastIndex + 1;
      inflight.addLast(lastIndex);
    } else {
      probeSent = true;
    }
  }

  /**
   * The follower's log matches ours up to {@code index} (a successful append answer).
   *
   * @return whether the match index rose
   */
  boolean matched(long index) {
    progressedSinceHeartbeat = true;
    while (!inflight.isEmpty() && inflight.peekFirst() <= index) inflight.pollFirst();
    boolean rose = index > matchIndex;
    if (rose) matchIndex = index;
    nextIndex = Math.max(nextIndex, matchIndex + 1);
    // Any success answers our probe: the logs match up to matchIndex, so pipelining may start.
    if (state == State.PROBE) becomeReplicate();
    return rose;
  }

  /**
   * The follower rejected an append; its log may match ours before {@code next}.
   *
   * @return false when the rejection is stale (it answers an append sent before one that already
   *     succeeded up to {@code next} or beyond), and nothing changed
   */
  boolean rejected(long next) {
    if (state == State.REPLICATE && next <= matchIndex) return false;
    probe(next);
    return true;
  }

  /**
   * Back to probing, from {@code next} (never below what is known to match): one AppendEntries at a
   * time until one succeeds. Drops the pipeline and any snapshot transfer.
   */
  void probe(long next) {
    endTransfer();
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

  /** The follower needs entries we compacted away: {@code transfer} is sending it a snapshot. */
  void becomeSnapshot(SnapshotTransfer transfer) {
    endTransfer(); // a transfer replaced: its data is released
    state = State.SNAPSHOT;
    snapshot = transfer;
    inflight.clear();
  }

  /**
   * Ends the snapshot transfer under way, if any, releasing what its data holds open (files): when
   * it is replaced or done, and when this progress is dropped (the follower was removed, or the
   * leadership is over). Idempotent.
   */
  void endTransfer() {
    if (snapshot == null) return;
    snapshot.close();
    snapshot = null;
  }

  /** A chunk of the snapshot was answered: the transfer is moving. */
  void snapshotChunkAnswered() {
    progressedSinceHeartbeat = true;
  }

  /**
   * The follower installed the snapshot ending at {@code index}: it holds everything up to there,
   * so replication probes on from the entry after it.
   */
  void snapshotInstalled(long index) {
    matchIndex = Math.max(matchIndex, index);
    probe(index + 1);
  }

  /**
   * The follower answered something at tick {@code now}: it counts as active for the current
   * check-quorum round.
   */
  void heardFrom(long now) {
    recentActive = true;
    heardAt = now;
  }

  /** The tick of the follower's last answer; far in the past (never recent) before its first. */
  long heardAt() {
    return heardAt;
  }

  boolean recentlyActive() {
    return recentActive;
  }

  /** A check-quorum round ended: activity counts afresh. */
  void forgetActivity() {
    recentActive = false;
  }

  /**
   * The follower answered a heartbeat.
   *
   * @return whether an append or a snapshot chunk was answered since its last heartbeat answer; if
   *     not, while something is in flight, a message or its answer was lost
   */
  boolean heartbeatAnswered() {
    boolean progressed = progressedSinceHeartbeat;
    progressedSinceHeartbeat = false;
    return progressed;
  }

  @Override
  public String toString() {
    return state + "[match=" + matchIndex + " next=" + nextIndex + " inflight=" + inflight.size() + "]";
  }
}
