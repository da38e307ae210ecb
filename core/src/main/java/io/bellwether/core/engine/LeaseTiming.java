package io.bellwether.core.engine;

/**
 * The two per-node settings a leader lease depends on: how long a tick is, and how many ticks make
 * the (minimum) election timeout. Both are chosen per node, so nodes can disagree; this type holds
 * the one rule that decides whether a follower's promise covers a leader's lease.
 *
 * <p>A follower that acknowledges a heartbeat refuses votes until {@code electionTimeoutTicks} of
 * <em>its</em> ticks have passed, which is sure to last only {@code electionTimeoutTicks - 1} of its
 * ticks (its timer may tick right after it reset). The leader sizes its lease from <em>its own</em>
 * settings: {@code floor(0.8 × (electionTimeoutTicks - 1))} of its ticks, i.e. four fifths of what
 * it takes a follower's promise to be. The lease arithmetic therefore holds exactly when
 *
 * <pre>
 *   (follower's electionTimeoutTicks - 1) × follower's tick  &gt;=  (leader's electionTimeoutTicks - 1) × leader's tick
 * </pre>
 *
 * that is, when the follower's {@link #promiseMicros()} is at least the leader's: the 20% margin
 * for clock drift then remains whole. Identical settings satisfy it; a follower that waits longer
 * does too. Comparing {@code electionTimeoutTicks × tick} instead would be wrong: 5 ticks of 100 ms
 * and 10 ticks of 50 ms are both 500 ms, but the first promises only 400 ms for sure, the second
 * 450 ms.
 *
 * @param tickMicros length of one tick, in microseconds (the engine never reads a clock; this is a
 *     number it passes on, so that peers can compare)
 * @param electionTimeoutTicks the minimum election timeout, in ticks
 */
public record LeaseTiming(long tickMicros, int electionTimeoutTicks) {

  public LeaseTiming {
    if (tickMicros < 1) throw new IllegalArgumentException("tickMicros must be >= 1: " + tickMicros);
    if (electionTimeoutTicks < 2) {
      throw new IllegalArgumentException("electionTimeoutTicks must be >= 2: " + electionTimeoutTicks);
    }
  }

  /**
   * How long, at least, a node with these settings refuses votes after hearing from a leader:
   * {@code (electionTimeoutTicks - 1) × tickMicros}, saturating at {@link Long#MAX_VALUE}.
   */
  public long promiseMicros() {
    long ticks = electionTimeoutTicks - 1L;
    return tickMicros > Long.MAX_VALUE / ticks ? Long.MAX_VALUE : ticks * tickMicros;
  }

  /**
   * Whether a follower with these settings refuses votes at least as long as a leader with {@code
   * leader}'s settings assumes when it sizes its lease (see the class comment).
   */
  public boolean covers(LeaseTiming leader) {
    return promiseMicros() >= leader.promiseMicros();
  }

  /** E.g. "tick 50ms, election timeout 10 ticks", for log lines that name both sides. */
  @Override
  public String toString() {
    String tick = tickMicros % 1000 == 0 ? tickMicros / 1000 + "ms" : tickMicros + "us";
    return "tick " + tick + ", election timeout " + electionTimeoutTicks + " ticks";
  }
}
