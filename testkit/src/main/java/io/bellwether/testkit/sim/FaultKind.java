package io.bellwether.testkit.sim;

/** The faults the {@link Nemesis} can inject, each named for what it does to the cluster. */
public enum FaultKind {
  /** Split the nodes into two random sides that cannot talk. */
  PARTITION,
  /** Cut the current leader off from everyone. */
  ISOLATE_LEADER,
  /**
   * Cut the leader off and slow its clock: it goes on believing it leads for a while (a stalled VM
   * on a bad network), while the others elect a new leader.
   */
  ZOMBIE_LEADER,
  /** Cut a random node off from everyone. */
  ISOLATE_NODE,
  /** Two sides that cannot talk, and one node that talks to both. */
  BRIDGE,
  /** One link fails in one direction only. */
  ONE_WAY,
  /** A partition that comes and goes every few ticks for a while. */
  FLAP,
  /** Every link restored, loss, duplication and delay back to healthy. */
  HEAL,
  /** Links lose a random fraction of messages. */
  LOSS,
  /** Messages take longer and vary more, so they reorder more. */
  DELAY,
  /** Some messages arrive twice. */
  DUPLICATE,
  /** A random node dies (between steps: its disk was synced). */
  CRASH,
  /** The leader dies. */
  CRASH_LEADER,
  /**
   * The next leader to be elected dies a few ticks (0 to 8) after its election: before or just
   * after it replicates its first entries, which is when a new leader is most fragile.
   */
  CRASH_NEW_LEADER,
  /** A node dies during its next sync, losing or tearing what it had not synced. */
  TORN_CRASH,
  /** A dead node starts again from its disk. */
  RESTART,
  /** A node freezes (a long GC pause, SIGSTOP): no ticks, no steps, while the others go on. */
  PAUSE,
  /** A frozen node goes on. */
  RESUME,
  /**
   * A node's clock runs slow, or back to normal. In runs whose {@link Clocks} are bounded, it runs
   * at a new rate within the drift bound instead (slow or fast).
   */
  CLOCK_SKEW,
  /**
   * The leader freezes: the classic lease breaker, a leader that resumes believing its lease holds.
   * (Last, so that adding it changed no earlier run: the draw walks the kinds in order.)
   */
  PAUSE_LEADER,
  /**
   * A node's transport says its leader is unreachable while the leader lives (a connection reset for
   * no fault of the peer's): the hint that shortens an election timer must not make it unsafe.
   */
  FALSE_ALARM,
  /**
   * A follower hears its old leader again just as a candidate of a later term courts it (see {@link
   * CourtedFollower}): the test of a vote refusal that must last, whatever the follower's term and
   * leader field say, as long as the old leader's lease.
   */
  COURTED_FOLLOWER,
  /**
   * A cut-off leader comes back to lead again over indexes where its own unreplicated proposals
   * still wait for an answer (see {@link ReturningLeader}).
   */
  RETURNING_LEADER,
  /**
   * The leader hands its leadership to another voter (thesis §3.10, TimeoutNow): the new leader is
   * elected past its voters' promise not to vote, so the old leader must have given up its lease.
   */
  TRANSFER_LEADER,
  /**
   * The leader adds a node that is no member (a spare never added, or a member removed earlier, with
   * whatever its disk still holds) as a learner: it gets the log but neither votes nor counts. A
   * third of the time a second change follows at once, before the first can commit, which a correct
   * leader refuses (one change at a time).
   */
  ADD_LEARNER,
  /**
   * The leader makes a learner a voter; a learner that is not caught up is refused (NOT_CAUGHT_UP),
   * a normal answer. A third of the time a second change follows at once, as for ADD_LEARNER.
   */
  PROMOTE,
  /**
   * The leader removes a member, learner or voter, sometimes itself (it steps down once that
   * commits), never below {@link MembershipFaults#MIN_VOTERS} voters. The removed node keeps
   * running and must not disrupt. A third of the time a second removal follows at once.
   */
  REMOVE,
  /**
   * The schedule of the 2015 single-server bug (see {@link StrandedChange}): a leader's change is
   * stranded on it when it is cut off, a new leader changes the configuration its own way, and the
   * old leader comes back to a voter that missed the new leader's entries.
   */
  STRANDED_CHANGE;

  /** Whether this fault changes the cluster's membership. */
  boolean isMembership() {
    return this == ADD_LEARNER || this == PROMOTE || this == REMOVE || this == STRANDED_CHANGE;
  }

  /** Whether this fault splits the network (and so replaces the partition in force, if any). */
  boolean isPartition() {
    return this == PARTITION || this == ISOLATE_LEADER || this == ZOMBIE_LEADER
        || this == ISOLATE_NODE || this == BRIDGE || this == FLAP;
  }
}
