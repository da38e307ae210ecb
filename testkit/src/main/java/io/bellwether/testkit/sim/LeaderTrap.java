package io.bellwether.testkit.sim;

/**
 * {@link FaultKind#CRASH_NEW_LEADER}: waits for the first leader of a term after the current one,
 * then kills it a few ticks into its reign, before or just after it replicates its first entries.
 * A new leader is never more fragile, and Figure 8 of the Raft paper is made of such deaths.
 */
final class LeaderTrap {

  private final long aboveTerm;
  private final int delayTicks;
  private String doomed;
  private long crashAtTick;

  LeaderTrap(long aboveTerm, int delayTicks) {
    this.aboveTerm = aboveTerm;
    this.delayTicks = delayTicks;
  }

  /** Called before every step: spots the new leader as soon as it is elected. */
  void watch(SimCluster cluster) {
    if (doomed != null) return;
    String leader = cluster.leader();
    if (leader != null && cluster.engine(leader).term() > aboveTerm) {
      doomed = leader;
      crashAtTick = cluster.nowTicks() + delayTicks;
    }
  }

  boolean due(long nowTicks) {
    return doomed != null && nowTicks >= crashAtTick;
  }

  /** Kills the doomed leader (unless it died meanwhile) and says what happened. */
  String spring(SimCluster cluster) {
    if (cluster.state(doomed) == SimNode.State.DOWN) return null;
    cluster.crash(doomed);
    return "crash(" + doomed + ") [new leader, " + delayTicks + " ticks after its election]";
  }

  @Override
  public String toString() {
    return "crashNewLeader(above term " + aboveTerm + ", after " + delayTicks + " ticks)";
  }
}
