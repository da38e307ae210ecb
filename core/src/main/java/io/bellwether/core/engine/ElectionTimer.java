package io.bellwether.core.engine;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The election timer (Raft §5.2) and the clock of this node's promise not to vote (thesis §4.2.3):
 * when this node starts an election, and until when it refuses (pre-)votes because it heard from a
 * leader or has just restarted.
 *
 * <p>Its own class because these are five pieces of state (ticks elapsed, the random draw, the draw
 * a crash hint cut short, the last leader contact, the quiet period after a restart) that used to be
 * fields of {@link RaftEngine} changed in as many places, and two of them look alike but must not be
 * confused: the election timer is reset by many events (a granted vote, a role change), while the
 * promise runs from the last leader contact alone, which leases rely on.
 *
 * <p>Times are the engine's ticks; the engine passes its clock in, so this class reads none.
 */
final class ElectionTimer {

  /** The minimum election timeout {@code T}; every draw is in {@code [T, 2T)}. */
  private final int minTimeout;

  private final RandomGenerator random;

  /**
   * A node restarted with history grants no vote before this tick: it cannot know whether it
   * acknowledged a leader just before it stopped. A brand-new node has acknowledged nobody and needs
   * no quiet period.
   */
  private final long quietUntilTick;

  /** Ticks since the timer was last reset or a leader was heard. */
  private int elapsed;

  /** Ticks without a leader after which this node starts an election. */
  private int timeout;

  /** The random draw that {@link #leaderUnreachable} cut short, to restore on a false alarm; else 0. */
  private int drawnTimeout;

  /**
   * The tick at which this node last took an AppendEntries, Heartbeat or InstallSnapshot from a
   * leader, or {@link Long#MIN_VALUE} if never in this life. Unlike {@link #elapsed}, nothing else
   * moves it, so neither a new term nor a forgotten leader can end the promise early.
   */
  private long lastLeaderContact = Long.MIN_VALUE;

  /**
   * @param minTimeout the minimum election timeout {@code T}, in ticks
   * @param random the engine's only source of randomness; one draw per {@link #reset}
   * @param restartedWithHistory whether the node holds a term, entries or a snapshot from an
   *     earlier life, so it may have acknowledged a leader just before it stopped
   */
  ElectionTimer(int minTimeout, RandomGenerator random, boolean restartedWithHistory) {
    this.minTimeout = minTimeout;
    this.random = random;
    this.quietUntilTick = restartedWithHistory ? minTimeout : 0;
    reset();
  }

  /** Starts the timer over with a fresh random timeout in {@code [T, 2T)}, so split votes are rare. */
  void reset() {
    elapsed = 0;
    timeout = minTimeout + random.nextInt(minTimeout);
    drawnTimeout = 0;
  }

  /**
   * A leader counts as hearing from itself: its timer stays at zero (so it ignores disruptive vote
   * requests); check-quorum, in {@link Leader}, decides when it steps down.
   */
  void holdWhileLeading() {
    elapsed = 0;
  }

  /** One tick without a leader's message; returns whether the election timeout has run out. */
  boolean tick() {
    elapsed++;
    return elapsed >= timeout;
  }

  /**
   * An AppendEntries, Heartbeat or InstallSnapshot from the leader arrived at tick {@code now}: the
   * timer starts over, the promise runs from now, and a crash hint about that leader was a false
   * alarm, so the random draw it cut short is restored.
   */
  void heardFromLeader(long now) {
    elapsed = 0;
    lastLeaderContact = now;
    if (drawnTimeout != 0) {
      timeout = drawnTimeout;
      drawnTimeout = 0;
    }
  }

  /**
   * The connection to the leader was lost: a hint that its process is gone. Sets the timeout from
   * the random draw to {@code T + rank × T/2}, where {@code rank} is this node's place among the
   * voters other than the leader, sorted by id: the first survivor asks as soon as everyone's promise
   * has run out, the next only if the first could not win, so the hint does not split votes. Set,
   * not only shortened: a later survivor whose own draw was earlier would otherwise ask at the same
   * time as the first. Who may vote does not change, only when this node asks.
   *
   * @param voters every voter, sorted by id
   */
  void leaderUnreachable(List<String> voters, String self, String leader) {
    int rank = 0;
    for (String v : voters) {
      if (v.equals(self)) break;
      if (!v.equals(leader)) rank++;
    }
    if (drawnTimeout == 0) drawnTimeout = timeout;
    timeout = minTimeout + rank * Math.max(1, minTimeout / 2);
  }

  /** Whether tick {@code now} is inside the quiet period of a node restarted with history. */
  boolean inStartupQuiet(long now) {
    return now < quietUntilTick;
  }

  /** Whether this node took a leader's message less than {@code T} ticks before {@code now}. */
  boolean heardLeaderWithinTimeout(long now) {
    return lastLeaderContact != Long.MIN_VALUE && now - lastLeaderContact < minTimeout;
  }

  /** Ticks since the last reset or leader contact. */
  int elapsed() {
    return elapsed;
  }

  /** The current election timeout, in ticks. */
  int timeout() {
    return timeout;
  }
}
