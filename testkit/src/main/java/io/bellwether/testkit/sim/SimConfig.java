package io.bellwether.testkit.sim;

import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.runtime.SnapshotPolicy;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Everything that defines one simulation run. Together with the seed it determines the run exactly.
 *
 * @param nodes cluster size (3 or 5 in the sweeps): the founding voters, {@code n1} to {@code nN}
 * @param spares nodes beyond those ({@code nN+1}...) that start empty, waiting to be added ({@code
 *     Membership.EMPTY}): the pool, with every member removed since, that {@link
 *     FaultKind#ADD_LEARNER} draws from. 0 keeps the membership as it was founded
 * @param clients concurrent simulated clients
 * @param keys size of the key set the clients share (few keys, so operations contend)
 * @param safetyTicks length of the safety phase, with faults
 * @param livenessTicksMax bound on each step of the liveness phase (electing a leader, completing the
 *     probe requests, converging)
 * @param requestTimeoutTicks the node's request timeout ({@code NodeDriver})
 * @param clientTimeoutTicks a client gives up on a request after this long (outcome unknown)
 * @param snapshots when nodes snapshot their state machine and compact their logs
 * @param clocks whether clocks stay within the lease's drift bound, and so whether clients read
 *     under the lease
 * @param bugs deliberate bugs planted in every node's engine and runtime (empty in the sweep)
 * @param leases whether clients also use leases and the leader expires them ({@link LeaseLoad#OFF} in
 *     the sweep, so its seeds run as they did before leases existed)
 */
public record SimConfig(
    long seed,
    int nodes,
    int spares,
    int clients,
    int keys,
    long safetyTicks,
    long livenessTicksMax,
    int requestTimeoutTicks,
    int clientTimeoutTicks,
    RaftConfig raft,
    SnapshotPolicy snapshots,
    FaultMix faults,
    Clocks clocks,
    Set<InjectedBug> bugs,
    LeaseLoad leases) {

  public SimConfig {
    if (nodes < 1 || spares < 0 || nodes + spares > 9) {
      throw new IllegalArgumentException("nodes and spares must be 1..9 in all: " + nodes + "+" + spares);
    }
    if (clients < 0 || keys < 1) throw new IllegalArgumentException("need keys, clients >= 0");
    bugs = Set.copyOf(bugs);
    if (leases == null) throw new IllegalArgumentException("leases: use LeaseLoad.OFF");
  }

  /**
   * The default run for a seed: 5 clients on 3 keys, 2,000 ticks of faults (each tick is 1/10 of
   * the minimum election timeout), and a replication and snapshot setting drawn from the seed: one
   * entry per AppendEntries pipelined one at a time (which opens the interleavings batching hides),
   * small batches with frequent snapshots, whole batches with none, or with aggressive compaction
   * (which sends lagging and restarted followers snapshots instead of entries). The membership
   * changes: {@link #DEFAULT_SPARES} nodes wait to be added, and the fault mix adds, promotes and
   * removes members ({@link #withStaticMembership} is the run a seed made before it did). Every
   * engine keeps only a few entries in memory ({@link #LOG_CACHE_ENTRIES}, {@link
   * #LOG_CACHE_BYTES}), so that lagging followers, restarts and applying read entries back from the
   * store on every seed; the cache decides where an entry is read from, never what happens, so the
   * runs are those of a cache that holds everything.
   */
  public static SimConfig of(long seed, int nodes) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5EEDC0FFEEL);
    RaftConfig raft = RaftConfig.DEFAULT.withLogCache(LOG_CACHE_ENTRIES, LOG_CACHE_BYTES);
    SnapshotPolicy snapshots = SnapshotPolicy.NEVER;
    switch (r.nextInt(4)) {
      case 0 -> raft = raft.withMaxAppendBytes(1).withMaxInflightAppends(1 + r.nextInt(4));
      case 1 -> {
        raft = raft.withMaxAppendBytes(200).withMaxInflightAppends(4);
        snapshots = new SnapshotPolicy(30, Long.MAX_VALUE, 5);
      }
      case 2 -> { }
      default -> snapshots = new SnapshotPolicy(20, Long.MAX_VALUE, 0);
    }
    // Half the seeds keep every clock within the lease's drift bound and read under the lease;
    // the other half skew clocks far beyond it and never ask for lease reads. Drawn from a stream
    // of its own, so that the draws above (and so the unbounded runs) are what they always were.
    boolean bounded = new SplittableRandom(seed ^ 0xC10C5L).nextBoolean();
    return new SimConfig(seed, nodes, DEFAULT_SPARES, 5, 3, 2_000, 1_000, 30, 40, raft, snapshots,
        bounded ? FaultMix.BOUNDED_CLOCKS : FaultMix.DEFAULT,
        bounded ? Clocks.withinDriftBound() : Clocks.UNBOUNDED, Set.of(), LeaseLoad.OFF);
  }

  /** Persisted entries an engine keeps in memory in a default run: nearly every read goes to the store. */
  public static final int LOG_CACHE_ENTRIES = 4;

  /** The same bound in entry bytes: two or three of the simulation's commands. */
  public static final long LOG_CACHE_BYTES = 256;

  /** How many nodes wait to be added in a default run: enough to grow a cluster of 3 to 5 voters. */
  public static final int DEFAULT_SPARES = 2;

  /** This run with other clocks (and the fault mix that goes with them, if it was a default). */
  public SimConfig withClocks(Clocks c) {
    FaultMix mix = faults;
    if (mix == FaultMix.DEFAULT || mix == FaultMix.BOUNDED_CLOCKS) {
      mix = c.bounded() ? FaultMix.BOUNDED_CLOCKS : FaultMix.DEFAULT;
    } else if (mix == FaultMix.STATIC_MEMBERSHIP || mix == FaultMix.BOUNDED_CLOCKS_STATIC_MEMBERSHIP) {
      mix = c.bounded() ? FaultMix.BOUNDED_CLOCKS_STATIC_MEMBERSHIP : FaultMix.STATIC_MEMBERSHIP;
    }
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, mix, c, bugs, leases);
  }

  /**
   * This run as the seed made it before the simulation changed the membership: no spare nodes and,
   * if the mix was a default, the default mix of then, so the very same weather, every draw of it
   * (a regression seed's run moves only when the code under test changes). Other mixes only lose
   * their spares.
   */
  public SimConfig withStaticMembership() {
    FaultMix mix = faults == FaultMix.DEFAULT ? FaultMix.STATIC_MEMBERSHIP
        : faults == FaultMix.BOUNDED_CLOCKS ? FaultMix.BOUNDED_CLOCKS_STATIC_MEMBERSHIP
        : faults;
    return new SimConfig(seed, nodes, 0, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, mix, clocks, bugs, leases);
  }

  /** Whether this is the run a seed made before membership changed ({@link #withStaticMembership}). */
  public boolean staticMembership() {
    return spares == 0 && (faults == FaultMix.STATIC_MEMBERSHIP
        || faults == FaultMix.BOUNDED_CLOCKS_STATIC_MEMBERSHIP);
  }

  public SimConfig withSpares(int count) {
    return new SimConfig(seed, nodes, count, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, faults, clocks, bugs, leases);
  }

  /** This run with lease clients and the leader's expiry ({@link LeaseLoad}). */
  public SimConfig withLeases(LeaseLoad load) {
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, faults, clocks, bugs, load);
  }

  public SimConfig withBugs(Set<InjectedBug> planted) {
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, faults, clocks, planted, leases);
  }

  public SimConfig withRaft(RaftConfig config) {
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, config, snapshots, faults, clocks, bugs, leases);
  }

  public SimConfig withSnapshots(SnapshotPolicy policy) {
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, policy, faults, clocks, bugs, leases);
  }

  public SimConfig withFaults(FaultMix mix) {
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, mix, clocks, bugs, leases);
  }

  public SimConfig withSafetyTicks(long ticks) {
    return new SimConfig(seed, nodes, spares, clients, keys, ticks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, faults, clocks, bugs, leases);
  }

  public SimConfig withClients(int count) {
    return new SimConfig(seed, nodes, spares, count, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, clientTimeoutTicks, raft, snapshots, faults, clocks, bugs, leases);
  }

  public SimConfig withClientTimeoutTicks(int ticks) {
    return new SimConfig(seed, nodes, spares, clients, keys, safetyTicks, livenessTicksMax,
        requestTimeoutTicks, ticks, raft, snapshots, faults, clocks, bugs, leases);
  }

  /**
   * A name for this run, for its history file: seed, size and planted bugs, and, when the rest is
   * not the seed's default run (a bug hunt's weather, other clocks, a shorter run), a hash of all
   * of it, so that two different runs of one seed never share a name while the same run always
   * gets the same one.
   */
  public String runName() {
    StringBuilder name = new StringBuilder("sim-seed-").append(seed).append("-nodes-").append(nodes);
    new TreeSet<>(bugs).forEach(bug -> name.append("-bug-").append(bug));
    if (!equals(of(seed, nodes).withBugs(bugs))) {
      name.append("-variant-").append(String.format("%08x", stableDescription().hashCode()));
    }
    return name.toString();
  }

  /** Every setting, in an order that does not change between JVMs (unlike Set and Map.copyOf). */
  private String stableDescription() {
    StringBuilder b = new StringBuilder();
    b.append(seed).append(' ').append(nodes).append(' ').append(spares).append(' ').append(clients).append(' ').append(keys)
        .append(' ').append(safetyTicks).append(' ').append(livenessTicksMax).append(' ')
        .append(requestTimeoutTicks).append(' ').append(clientTimeoutTicks).append(' ').append(raft)
        .append(' ').append(snapshots).append(' ').append(clocks).append(' ')
        .append(new TreeSet<>(bugs)).append(leases.on() ? " " + leases : "").append(" faults");
    for (FaultKind kind : FaultKind.values()) b.append(' ').append(faults.weight(kind));
    b.append(' ').append(faults.minGapTicks()).append(' ').append(faults.maxGapTicks()).append(' ')
        .append(faults.majorityMayFail());
    return b.toString();
  }

  /** How to run exactly this configuration again from the command line. */
  public String replayHint() {
    String bug = bugs.isEmpty() ? "" : " -Dbellwether.sim.bug=" + bugs.iterator().next();
    return "mvn -pl testkit -am test -Dtest=SimReplayTest -Dbellwether.sim.seed=" + seed
        + " -Dbellwether.sim.nodes=" + nodes + bug
        + (clocks.resumeFeedsTime() || !clocks.bounded() ? "" : " -Dbellwether.sim.resumeWithoutTime=true")
        + (staticMembership() ? " -Dbellwether.sim.staticMembership=true" : "");
  }
}
