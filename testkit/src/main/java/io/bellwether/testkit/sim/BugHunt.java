package io.bellwether.testkit.sim;

import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.runtime.SnapshotPolicy;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;

/**
 * Simulation settings aimed at one {@link InjectedBug}: the faults that expose it, often. The
 * checkers are the same as in the sweep; only the weather changes. Each profile says why it is
 * shaped the way it is.
 */
public final class BugHunt {

  private BugHunt() {}

  /** The cluster size to hunt {@code bug} with for {@code seed}: 3 and 5 in turn, unless noted. */
  public static int nodes(InjectedBug bug, long seed) {
    // Figure 8 needs a few leaders to die at just the wrong moments; with 3 nodes far fewer have to.
    if (bug == InjectedBug.SKIP_CURRENT_TERM_COMMIT_RULE) return 3;
    return seed % 2 == 1 ? 3 : 5;
  }

  /**
   * The configuration that hunts {@code bug} with {@code seed}. The hunts aimed at bugs that have
   * nothing to do with membership keep it static (no spares), as they ran before it could change.
   */
  public static SimConfig config(InjectedBug bug, long seed, int nodes) {
    SimConfig base = SimConfig.of(seed, nodes).withBugs(EnumSet.of(bug));
    return switch (bug) {
      // A stale read needs a leader that is cut off yet still believes it leads (its clock runs
      // slow, so it has not yet noticed it lost its quorum) while the majority elects a new leader
      // and writes; clients reading from the old leader then see the past. Heal often, so that
      // partitions do not pile up into a cluster with no majority anywhere. Impatient clients, so
      // that writes stuck on the old leader do not keep them all away from the new one.
      case READ_WITHOUT_QUORUM -> base.withSpares(0)
          .withFaults(mix(Map.of(FaultKind.ZOMBIE_LEADER, 5, FaultKind.HEAL, 5)).gap(30, 90))
          .withClients(8)
          .withClientTimeoutTicks(15);
      // Figure 8 of the Raft paper: an old-term entry committed by counting replicas, then
      // overwritten by a leader whose log ends in a later term. That takes a leader cut off with
      // entries nobody else has, new leaders that die before or just after their first appends
      // (one entry per AppendEntries, so an old entry can reach a majority ahead of the new
      // leader's no-op), restarts in any order, and a majority allowed to be down meanwhile.
      case SKIP_CURRENT_TERM_COMMIT_RULE -> base.withSpares(0)
          .withRaft(RaftConfig.DEFAULT.withMaxAppendBytes(1).withMaxInflightAppends(1))
          .withSnapshots(SnapshotPolicy.NEVER) // a snapshot sent one byte per message never arrives
          .withFaults(mix(Map.of(
              FaultKind.ISOLATE_LEADER, 6, FaultKind.CRASH_NEW_LEADER, 6, FaultKind.CRASH_LEADER, 2,
              FaultKind.RESTART, 8, FaultKind.HEAL, 4, FaultKind.LOSS, 2)).gap(5, 30)
              .majorityMayFail(true))
          .withSafetyTicks(3_000);
      case LEASE_NOT_CHECKED -> leaseHunt(base);
      case TRANSFER_KEEPS_LEASE -> transferHunt(base);
      case CONFIG_ON_COMMIT, TWO_CHANGES_IN_FLIGHT, CHANGE_BEFORE_TERM_COMMIT -> membershipHunt(base);
      // The sweep's weather finds the others quickly (a lost leader, a split vote, a lagging
      // follower shows them), and is the place to start for bugs added later.
      default -> base;
    };
  }

  /**
   * Weather for breaking a lease, with every clock kept within the documented drift bound (a lease
   * is legitimately unsafe beyond it, so a failure there would prove nothing). The lease breakers:
   * a leader that freezes and resumes (PAUSE_LEADER, RESUME), and one cut off while its clock runs
   * as slow as the bound allows (ZOMBIE_LEADER) or simply cut off (ISOLATE_LEADER), while the
   * others elect a new leader and write. Impatient clients, as for READ_WITHOUT_QUORUM, so that
   * some of them are free to read from the old leader meanwhile.
   *
   * <p>The election timeout is 20 ticks instead of 10. With 10, an election and a write take (at 1
   * to 2 ticks a hop) most of the time between a cut-off leader's lease running out and its
   * check-quorum deposing it, so even a leader that never checks its lease is rarely caught; on a
   * real network a hop is far shorter than a tick, and 20 ticks is the nearer likeness.
   */
  static SimConfig leaseHunt(SimConfig base) {
    return base.withSpares(0).withClocks(Clocks.withinDriftBound())
        .withRaft(base.raft().withElectionTimeoutTicks(20))
        .withFaults(mix(Map.of(FaultKind.PAUSE_LEADER, 4, FaultKind.RESUME, 4,
            FaultKind.ISOLATE_LEADER, 3, FaultKind.ZOMBIE_LEADER, 3, FaultKind.HEAL, 4,
            FaultKind.DELAY, 1, FaultKind.CLOCK_SKEW, 2)).gap(20, 60))
        .withClients(8)
        .withClientTimeoutTicks(15);
  }

  /**
   * The lease weather with frequent leadership transfers: a leader that hands over and is then cut
   * off (or whose TimeoutNow is slow to arrive) must not go on answering from its lease while its
   * successor, elected past the voters' promise, writes.
   */
  public static SimConfig transferHunt(SimConfig base) {
    SimConfig lease = leaseHunt(base);
    return lease.withFaults(lease.faults().with(FaultKind.TRANSFER_LEADER, 6));
  }

  /**
   * Weather that changes the membership all the time: adds, promotions and removals (two at once a
   * third of the time), the 2015 schedule (STRANDED_CHANGE), transfers, and the leader changes,
   * partitions, crashes and restarts that leave configuration entries uncommitted, truncated or
   * half-replicated when a new leader takes over. Faults come every 10 to 40 ticks. The soak of
   * {@code SimMembershipTest} runs it.
   */
  public static SimConfig membershipHunt(SimConfig base) {
    Map<FaultKind, Integer> w = new EnumMap<>(FaultKind.class);
    w.put(FaultKind.ADD_LEARNER, 4);
    w.put(FaultKind.PROMOTE, 4);
    w.put(FaultKind.REMOVE, 4);
    w.put(FaultKind.STRANDED_CHANGE, 4);
    w.put(FaultKind.TRANSFER_LEADER, 2);
    w.put(FaultKind.ISOLATE_LEADER, 3);
    w.put(FaultKind.PARTITION, 2);
    w.put(FaultKind.CRASH_LEADER, 1);
    w.put(FaultKind.CRASH_NEW_LEADER, 1);
    w.put(FaultKind.TORN_CRASH, 2);
    w.put(FaultKind.RESTART, 4);
    w.put(FaultKind.PAUSE, 1);
    w.put(FaultKind.RESUME, 2);
    w.put(FaultKind.LOSS, 1);
    w.put(FaultKind.HEAL, 4);
    return base.withFaults(new FaultMix(w, 10, 40, false));
  }

  private static FaultMix mix(Map<FaultKind, Integer> weights) {
    return new FaultMix(new EnumMap<>(weights), 10, 60, false);
  }
}
