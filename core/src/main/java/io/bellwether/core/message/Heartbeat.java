package io.bellwether.core.message;

/**
 * The leader's periodic heartbeat. It asserts leadership (resetting followers' election timers),
 * carries the commit index the follower may safely use ({@code min(matchIndex, commitIndex)}: a
 * heartbeat performs no consistency check, so it must never advance a follower's commit index past
 * what the leader knows matches), and a {@code readSeq} that the follower echoes, so a leader can
 * confirm it is still leader for ReadIndex (thesis §6.4).
 *
 * <p>It also carries the leader's own timing, {@code tickMicros} and {@code electionTimeoutTicks},
 * from which the leader sizes its lease. Both are per-node settings, so the follower compares them
 * with its own and says in its {@link HeartbeatResponse} whether its promise to refuse votes lasts
 * at least as long as the leader assumes ({@code io.bellwether.core.engine.LeaseTiming}). Carried in
 * every heartbeat rather than in a transport handshake, the check holds over any transport.
 *
 * @param tickMicros the leader's tick length in microseconds, at least 1
 * @param electionTimeoutTicks the leader's minimum election timeout in ticks, at least 2
 */
public record Heartbeat(
    String from,
    String to,
    long term,
    long commitIndex,
    long readSeq,
    long tickMicros,
    int electionTimeoutTicks)
    implements Message {

  public Heartbeat {
    if (tickMicros < 1) throw new IllegalArgumentException("tickMicros must be >= 1: " + tickMicros);
    if (electionTimeoutTicks < 2) {
      throw new IllegalArgumentException("electionTimeoutTicks must be >= 2: " + electionTimeoutTicks);
    }
  }
}
