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
 * @param tickMicros how long one tick is, in microseconds, as the runtime feeds them. The engine
 *     does not measure time with it: it tells peers, in heartbeats, so that a follower can say
 *     whether its vote-refusal promise covers the leader's lease ({@link LeaseTiming}). It must be
 *     the runtime's real tick length ({@code RaftNode.Builder} refuses a mismatch).
 * @param maxCachedEntries newest log entries the engine keeps in memory once they are persisted;
 *     older ones it reads back through its {@link LogReader} (a follower far behind, entries still
 *     to apply). Entries not yet persisted stay in memory whatever the bound, and so does the last
 * @param maxCachedBytes the same bound in {@link io.bellwether.core.LogEntry#sizeBytes()}; whichever
 *     bound is reached first applies
 */
public record RaftConfig(
    int electionTimeoutTicks,
    int heartbeatIntervalTicks,
    int maxInflightAppends,
    long maxAppendBytes,
    long maxApplyBytes,
    int maxUncommittedEntries,
    boolean preVote,
    boolean checkQuorum,
    long tickMicros,
    int maxCachedEntries,
    long maxCachedBytes) {

  /** 50 ms, {@code RaftNode}'s default tick. */
  public static final long DEFAULT_TICK_MICROS = 50_000;

  /**
   * Default bound on cached entries: a leader's followers that keep up, and the entries it
   * commits and applies, are served from memory; one several seconds behind under load reads from
   * the store.
   */
  public static final int DEFAULT_MAX_CACHED_ENTRIES = 16_384;

  /** Default bound on cached entry bytes: 16 MiB. */
  public static final long DEFAULT_MAX_CACHED_BYTES = 16L << 20;

  /**
   * The defaults: with the 50 ms tick, an election timeout of 400–800 ms and a heartbeat every tick.
   * The election timeout is the floor of a failover (no voter grants a vote within it of hearing the
   * leader, which leases rely on), so it is as short as stability allows; a heartbeat every tick
   * gives eight chances to be heard in it, so one late or lost heartbeat cannot start an election,
   * and means the last one before a crash is on average 25 ms old, not 50. Chosen by measurement
   * (docs/BENCHMARKS.md, "Failover"): 10 minutes of full write load with no leader change.
   */
  public static final RaftConfig DEFAULT =
      new RaftConfig(8, 1, 64, 1 << 20, 4 << 20, 10_000, true, true, DEFAULT_TICK_MICROS);

  /** The settings with the default bounds on cached entries. */
  public RaftConfig(int electionTimeoutTicks, int heartbeatIntervalTicks, int maxInflightAppends,
      long maxAppendBytes, long maxApplyBytes, int maxUncommittedEntries, boolean preVote,
      boolean checkQuorum, long tickMicros) {
    this(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, tickMicros,
        DEFAULT_MAX_CACHED_ENTRIES, DEFAULT_MAX_CACHED_BYTES);
  }

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
    require(tickMicros >= 1, "tickMicros must be >= 1");
    require(maxCachedEntries >= 1, "maxCachedEntries must be >= 1");
    require(maxCachedBytes >= 1, "maxCachedBytes must be >= 1");
  }

  /** What this node tells its followers about its timing, and compares a leader's against. */
  public LeaseTiming leaseTiming() {
    return new LeaseTiming(tickMicros, electionTimeoutTicks);
  }

  public RaftConfig withElectionTimeoutTicks(int ticks) {
    return new RaftConfig(ticks, heartbeatIntervalTicks, maxInflightAppends, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withHeartbeatIntervalTicks(int ticks) {
    return new RaftConfig(electionTimeoutTicks, ticks, maxInflightAppends, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withMaxInflightAppends(int max) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, max, maxAppendBytes,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withMaxAppendBytes(long max) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends, max,
        maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withMaxUncommittedEntries(int max) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, max, preVote, checkQuorum, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withPreVote(boolean on) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, maxUncommittedEntries, on, checkQuorum, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withCheckQuorum(boolean on) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, maxUncommittedEntries, preVote, on, tickMicros,
        maxCachedEntries, maxCachedBytes);
  }

  public RaftConfig withTickMicros(long micros) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, micros,
        maxCachedEntries, maxCachedBytes);
  }

  /** These settings with other bounds on the log entries the engine keeps in memory. */
  public RaftConfig withLogCache(int entries, long bytes) {
    return new RaftConfig(electionTimeoutTicks, heartbeatIntervalTicks, maxInflightAppends,
        maxAppendBytes, maxApplyBytes, maxUncommittedEntries, preVote, checkQuorum, tickMicros,
        entries, bytes);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
