package io.bellwether.core.engine;

import java.util.ArrayDeque;

/**
 * The leader's lease (thesis §6.4.1): after a majority acknowledges a heartbeat sent at tick {@code
 * t}, none of them will vote for another candidate before their own clock passes {@code t +
 * electionTimeout} (they ignore vote requests while they hear from a leader), so no other leader can
 * exist until then. The leader may serve reads without a round trip until {@code t + leaseTicks},
 * with {@code leaseTicks} a safety margin shorter than the election timeout.
 *
 * <p>This assumes clocks advance at rates that differ by less than that margin, and that the runtime
 * feeds elapsed time to the engine (as ticks) before it handles requests, also after a pause.
 */
final class LeaderLease {

  /** Heartbeat rounds not yet acknowledged by a majority: {seq, sentTick}, oldest first. */
  private final ArrayDeque<long[]> rounds = new ArrayDeque<>();

  private static final int MAX_ROUNDS = 256;

  private long expiresAtTick = Long.MIN_VALUE;

  void roundSent(long seq, long tick) {
    if (rounds.size() == MAX_ROUNDS) rounds.pollFirst(); // the oldest round's ack is the least useful
    rounds.addLast(new long[] {seq, tick});
  }

  /** A majority has acknowledged every round up to {@code seq}. */
  void quorumAcknowledged(long seq, long leaseTicks) {
    long sentTick = Long.MIN_VALUE;
    while (!rounds.isEmpty() && rounds.peekFirst()[0] <= seq) sentTick = rounds.pollFirst()[1];
    if (sentTick != Long.MIN_VALUE) expiresAtTick = Math.max(expiresAtTick, sentTick + leaseTicks);
  }

  boolean isValid(long nowTick) {
    return nowTick < expiresAtTick;
  }

  void reset() {
    rounds.clear();
    expiresAtTick = Long.MIN_VALUE;
  }
}
