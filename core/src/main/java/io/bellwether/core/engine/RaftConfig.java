package io.bellwether.core.engine;

/**
 * Engine settings, all counted in ticks or bytes (the engine never reads a clock).
 *
 * @param electionTimeoutTicks minimum election timeout; each node draws its timeout from {@code
 *     [electionTimeoutTicks, 2 * electionTimeoutTicks)} so that split votes are rare (§5.2)
 * @param heartbeatIntervalTicks how often a leader sends heartbeats; well below the election timeout
 * @param maxInflightAppends AppendEntries a leader may have unanswered per follower (pipelining window)
 * @param maxAppendBytes largest batch of entries in one AppendEntries (at least one entry is sent)
 * @param maxApplyBytes largest batch of committed entries handed out for applying at once
 * @param maxUncommittedEntries proposals beyond this many uncommitted entries are rejected as overload
 * @param preVote run a pre-vote round before raising the term (thesis §9.6)
 * @param checkQuorum a leader that has not heard from a majority for an election timeout steps down,
 *     and followers ignore vote requests while they hear from a leader (thesis §6.2, §9.6)
 */
public record RaftConfig(
    int electionTimeoutTicks,
    int heartbeatIntervalTicks,
    int maxInflightAppends,
    long maxAppendBytes,
    long maxApplyBytes,
    int maxUncommittedEntries,
    boolean preVote,
    boolean checkQuorum) {

  public static final RaftConfig DEFAULT =
      new RaftConfig(10, 2, 64, 1 << 20, 4 << 20, 10_000, true, true);

  public RaftConfig {
    require(electionTimeoutTicks >= 2, "electionTimeoutTicks must be >= 2");
    require(heartbeatIntervalTicks >= 1, "heartbeatIntervalTicks must be >= 1");
    require(
        heartbeatIntervalTicks < electionTimeoutTicks,
        "heartbeatIntervalTicks must be below electionTimeoutTicks");
    require(maxInflightAppends >= 1, "maxInflightAppends must be >= 1");
    require(maxAppendBytes >= 1, "maxAppendBytes must be >= 1");
    require(maxApplyBytes >= 1, "maxApplyBytes must be >= 1");
    require(maxUncommittedEntries >= 1, "maxUncommittedEntries must be >= 1");
  }

  public RaftConfig withElectionTimeoutTicks(int ticks) {
    return new RaftConfig(ticks, heartbeatIntervalTicks, maxInflightAppends, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum);
  }

  public RaftConfig withHeartbeatIntervalTicks(int ticks) {
    return new RaftConfig(electionTimeoutTicks, ticks, maxInflightAppends, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum);
  }

  public RaftConfig withMaxInflightAppends(int max) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, max, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum);
  }

  public RaftConfig withMaxAppendBytes(long max) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends, max,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum);
  }

  public RaftConfig withMaxUncommittedEntries(int max) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, max, preVote, checkQuorum);
  }

  public RaftConfig withPreVote(boolean on) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, maxUncommittedEntries, on, checkQuorum);
  }

  public RaftConfig withCheckQuorum(boolean on) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, maxUncommittedEntries, preVote, on);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
