package io.bellwether.testkit.sim;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.engine.RaftEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link FaultKind#STRANDED_CHANGE}: the schedule of the bug found in 2015 in the thesis'
 * single-server changes, driven by what the cluster does. It needs an even number of voters, 2k,
 * the only sizes where two one-voter changes of one configuration can have disjoint majorities.
 *
 * <ol>
 *   <li>while the leader L's voters are odd, L is asked once a tick for the change that evens them
 *       (promote a learner, else remove a voter, else add a learner to promote next);
 *   <li>once they are even and committed, L removes a voter R and is cut off at once: the
 *       configuration X without R is stranded on L;
 *   <li>once the others elect a leader Z, Z no longer reaches k - 1 voters of X (the "bystanders"),
 *       which voted for it but now hear nothing of its term, and Z is asked every tick to remove L
 *       (Y, the configuration without L) until it accepts. A correct Z refuses until it committed
 *       an entry of its own term, which takes a majority of 2k it cannot reach now;
 *   <li>once Y commits (or Z gave up, or a step waited too long), Z and the voters not stranded
 *       with L are cut off from L and the bystanders, who are a majority of X: L can lead again.
 * </ol>
 *
 * If Z could change the configuration before committing an entry of its term, Y commits with a
 * majority that misses L and the bystanders, and L leads a later term without Y: two majorities
 * that do not meet. Each step waits at most {@link #STEP_TICKS} ticks.
 */
final class StrandedChange {

  private static final int STEP_TICKS = 60;

  private final String leader;
  private final long leaderTerm;
  private final MembershipFaults changes;
  private final Draws draws;
  private Membership before;
  private String removed;
  private String successor;
  private final List<String> bystanders = new ArrayList<>();
  private final Set<String> successorSide = new HashSet<>();
  private long changeIndex = -1;
  private long lastAttemptTick = -1;
  private int attempts;
  private int step;
  private long stepDeadline;

  StrandedChange(SimCluster cluster, String leader, MembershipFaults changes, Draws draws) {
    this.leader = leader;
    this.leaderTerm = cluster.engine(leader).term();
    this.changes = changes;
    this.draws = draws;
    this.stepDeadline = cluster.nowTicks() + STEP_TICKS;
  }

  /** Heals the network and starts with step 1. */
  String begin(SimCluster cluster) {
    cluster.network().heal();
    step = 1;
    String did = advance(cluster);
    return "heal(), then strandedChange(" + leader + ")" + (did == null ? "" : ": " + did);
  }

  boolean over(long now) {
    return step == 0 || (now > stepDeadline && step != 4 && step != 5);
  }

  /** Called before every step: takes the next step once its condition holds; says what it did. */
  String advance(SimCluster cluster) {
    long now = cluster.nowTicks();
    switch (step) {
      case 1, 2 -> {
        if (cluster.state(leader) != SimNode.State.UP || !cluster.node(leader).isLeader()) {
          step = 0;
          return null;
        }
        return step == 1 ? evenTheVoters(cluster, now) : strand(cluster, now);
      }
      case 3 -> {
        String z = cluster.leader();
        if (z == null || z.equals(leader) || cluster.engine(z).term() <= leaderTerm) return null;
        successor = z;
        List<String> stranded = new ArrayList<>(before.voters());
        stranded.remove(removed);
        stranded.remove(leader);
        stranded.remove(z);
        bystanders.addAll(stranded.subList(0, before.voters().size() / 2 - 1));
        for (String v : before.voters()) {
          if (!v.equals(leader) && !bystanders.contains(v)) successorSide.add(v);
        }
        for (String b : bystanders) cluster.network().cutOneWay(z, b);
        return next(now, "cutOneWay(" + z + " -> " + bystanders + ") [stranded change, step 3]");
      }
      case 4 -> {
        if (now > stepDeadline || cluster.state(successor) != SimNode.State.UP
            || !cluster.node(successor).isLeader()) {
          return switchSides(cluster);
        }
        if (now == lastAttemptTick) return null;
        lastAttemptTick = now;
        attempts++;
        MembershipFaults.Answer a = changes.ask(successor, "remove(" + leader + ")",
            e -> e.removeMember(leader));
        if (!a.accepted()) return null;
        changeIndex = a.index();
        return next(now, a.said() + " after " + attempts + " attempts [stranded change, step 4]");
      }
      case 5 -> {
        RaftEngine z = cluster.engine(successor);
        if (now <= stepDeadline && z != null && z.commitIndex() < changeIndex) return null;
        return switchSides(cluster);
      }
      case 6 -> {
        RaftEngine l = cluster.engine(leader);
        if (now > stepDeadline) step = 0;
        if (l == null || !cluster.node(leader).isLeader() || l.term() <= leaderTerm) return null;
        step = 0;
        return leader + " leads again, term " + l.term() + " [stranded change]";
      }
      default -> {
        return null;
      }
    }
  }

  /** Step 1: once a tick, the change toward an even number of voters, while none is in flight. */
  private String evenTheVoters(SimCluster cluster, long now) {
    RaftEngine e = cluster.engine(leader);
    Membership m = e.membership();
    if (e.membershipChangePending() || e.termAt(e.commitIndex()) != e.term()) return null;
    if (m.voters().size() % 2 == 0) {
      step = 2;
      return strand(cluster, now);
    }
    if (now == lastAttemptTick) return null;
    lastAttemptTick = now;
    List<String> others = m.voters().stream().filter(v -> !v.equals(leader)).toList();
    MembershipFaults.Answer a;
    if (!m.learners().isEmpty()) {
      String learner = draws.any(m.learners());
      a = changes.ask(leader, "promote(" + learner + ")", x -> x.promote(learner, MembershipFaults.MAX_LAG_ENTRIES));
    } else if (m.voters().size() > MembershipFaults.MIN_VOTERS) {
      String voter = draws.any(others);
      a = changes.ask(leader, "remove(" + voter + ")", x -> x.removeMember(voter));
    } else {
      String outside = cluster.ids().stream().filter(id -> !m.contains(id)).findFirst().orElse(null);
      if (outside == null) return null;
      a = changes.ask(leader, "addLearner(" + outside + ")",
          x -> x.addLearner(Member.learner(outside, null, null)));
    }
    return a.accepted() ? a.said() + " [stranded change, step 1]" : null;
  }

  /**
   * Step 2: with the voters even, every change committed and every running voter told so, and
   * enough of them running for the others to elect a successor, L removes a voter and is cut off.
   * (A successor that has not heard the configuration committed refuses to change it, bug or not.)
   */
  private String strand(SimCluster cluster, long now) {
    RaftEngine e = cluster.engine(leader);
    Membership m = e.membership();
    if (e.membershipChangePending() || e.termAt(e.commitIndex()) != e.term()) return null;
    long running = 0;
    for (String v : m.voters()) {
      RaftEngine voter = cluster.engine(v);
      if (v.equals(leader) || cluster.state(v) != SimNode.State.UP) continue;
      if (voter.commitIndex() < m.index()) return null;
      running++;
    }
    if (running < m.voters().size() / 2 + 1) {
      step = 0;
      return "too few voters run [stranded change, step 2]";
    }
    before = m;
    List<String> others = m.voters().stream().filter(v -> !v.equals(leader)).toList();
    removed = draws.any(others);
    MembershipFaults.Answer a = changes.ask(leader, "remove(" + removed + ")", x -> x.removeMember(removed));
    if (!a.accepted()) return null;
    cluster.network().isolate(leader);
    for (String v : others) cluster.falseAlarm(v, leader);
    return next(now, a.said() + ", isolate(" + leader + ") [stranded change, step 2]");
  }

  /** Step 5: L and the bystanders on one side, the successor's side on the other. */
  private String switchSides(SimCluster cluster) {
    RaftEngine z = cluster.engine(successor);
    String why = changeIndex < 0 ? successor + " refused " + attempts + " times"
        : "index " + changeIndex + (z != null && z.commitIndex() >= changeIndex ? " committed" : " not committed");
    cluster.network().healLinks();
    cluster.network().partition(successorSide);
    step = 6;
    stepDeadline = cluster.nowTicks() + STEP_TICKS;
    return "partition(" + successorSide + " | rest) after " + why + " [stranded change, step 5]";
  }

  private String next(long now, String did) {
    step++;
    stepDeadline = now + STEP_TICKS;
    return did;
  }
}
