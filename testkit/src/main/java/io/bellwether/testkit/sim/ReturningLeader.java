package io.bellwether.testkit.sim;

import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;

/**
 * {@link FaultKind#RETURNING_LEADER}: a leader comes back to lead again over indexes where its own
 * earlier, unreplicated proposals still wait for an answer, the shape in which a runtime is tempted
 * to report the earlier proposals as certainly not applied (their copies may survive elsewhere and
 * commit later, as in Figure 8 of the Raft paper). Driven by what the cluster does:
 *
 * <ol>
 *   <li>the leader X can reach nobody (its links out are cut), so the proposals clients send it stay
 *       in its log alone while the others elect a new leader Z;
 *   <li>once Z leads, only Z reaches X: Z's first entries overwrite X's unreplicated tail;
 *   <li>once X holds an entry of Z's term and its log is at least as up to date as every other
 *       node's but Z's, Z is cut off and every other link heals, so X can win the next election and
 *       propose at those indexes again.
 * </ol>
 *
 * Each step waits at most {@link #STEP_TICKS} ticks, then the script ends.
 */
final class ReturningLeader {

  private static final int STEP_TICKS = 60;

  private final String leader;
  private final long leaderTerm;
  private String successor;
  private int step;
  private long stepDeadline;

  ReturningLeader(String leader, long leaderTerm, long now) {
    this.leader = leader;
    this.leaderTerm = leaderTerm;
    this.stepDeadline = now + STEP_TICKS;
  }

  String begin(SimCluster cluster) {
    for (String other : cluster.ids()) {
      if (other.equals(leader)) continue;
      cluster.network().cutOneWay(leader, other);
      cluster.falseAlarm(other, leader); // elect Z soon: X's proposals wait at most a request timeout
    }
    step = 1;
    return "returningLeader(" + leader + "): cut every link out of " + leader;
  }

  boolean over(long now) {
    return step == 0 || now > stepDeadline;
  }

  String advance(SimCluster cluster) {
    RaftEngine x = cluster.engine(leader);
    if (x == null) {
      step = 0;
      return null;
    }
    SimNetwork net = cluster.network();
    switch (step) {
      case 1 -> {
        String z = cluster.leader();
        if (z == null || z.equals(leader) || cluster.engine(z).term() <= leaderTerm) return null;
        successor = z;
        net.healLinks();
        for (String other : cluster.ids()) {
          if (!other.equals(leader) && !other.equals(z)) net.cutOneWay(other, leader);
          net.cutOneWay(leader, other);
        }
        return next(cluster, "only " + z + " reaches " + leader + " [returning leader, step 1]");
      }
      case 2 -> {
        RaftEngine z = cluster.engine(successor);
        if (z == null || x.termAt(x.lastIndex()) != z.term() || !mostUpToDate(cluster, x)) return null;
        net.healLinks();
        net.isolate(successor);
        cluster.falseAlarm(leader, successor); // X asks first
        return next(cluster, "heal(), isolate(" + successor + ") [returning leader, step 2]");
      }
      case 3 -> {
        if (x.role() != Role.LEADER) return null;
        step = 0;
        return leader + " leads again, term " + x.term() + " [returning leader]";
      }
      default -> {
        return null;
      }
    }
  }

  /** X's log is at least as up to date (§5.4.1) as that of every running node but Z's. */
  private boolean mostUpToDate(SimCluster cluster, RaftEngine x) {
    for (String id : cluster.ids()) {
      RaftEngine n = cluster.engine(id);
      if (id.equals(leader) || id.equals(successor) || n == null) continue;
      if (n.lastTerm() > x.lastTerm() || (n.lastTerm() == x.lastTerm() && n.lastIndex() > x.lastIndex())) {
        return false;
      }
    }
    return true;
  }

  private String next(SimCluster cluster, String did) {
    step++;
    stepDeadline = cluster.nowTicks() + STEP_TICKS;
    return did;
  }
}
