package io.bellwether.testkit.sim;

import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import java.util.List;

/**
 * {@link FaultKind#COURTED_FOLLOWER}: the shape in which a follower that has just heard its old
 * leader again is courted by a candidate of a later term, the moment the vote refusal that the old
 * leader's lease rests on is tested hardest. Driven by what the cluster does, step by step:
 *
 * <ol>
 *   <li>the leader L can no longer reach a follower F (one way), so F pre-campaigns and keeps asking;
 *   <li>once F is a pre-candidate, L and a second follower C are cut off from each other, and C's
 *       transport reports L unreachable, so C campaigns soon (F, no longer hearing L, grants its
 *       pre-vote); in clusters of five or more, just enough other followers lose L too that C, F
 *       and they make a majority, while L, F and the rest make another;
 *   <li>once C is a candidate of a later term, C's messages to F are lost, F's to C stall (kept,
 *       not lost), and L reaches F again: F acknowledges L, extending L's lease;
 *   <li>once F follows L again, the stalled link delivers F's old pre-vote requests to C, whose
 *       rejections carry C's term, and C reaches F again and asks for its vote.
 * </ol>
 *
 * F must refuse until an election timeout after it last heard from L, whatever its term and
 * leader field say by then. Each step waits at most {@link #STEP_TICKS} ticks, then the script ends.
 */
final class CourtedFollower {

  private static final int STEP_TICKS = 60;

  private final String leader;
  private final String follower;
  private final String candidate;
  private final List<String> allies;
  private final long leaderTerm;
  private int step;
  private long stepDeadline;

  /** @param allies followers that lose L with C, so that C, F and they are a majority */
  CourtedFollower(String leader, String follower, String candidate, List<String> allies,
      long leaderTerm, long now) {
    this.leader = leader;
    this.follower = follower;
    this.candidate = candidate;
    this.allies = List.copyOf(allies);
    this.leaderTerm = leaderTerm;
    this.stepDeadline = now + STEP_TICKS;
  }

  /**
   * The script for {@code leader} (up): its candidate is the first running voter by id (told the
   * leader is unreachable, it asks first), its follower and allies drawn from the others; null when
   * too few voters run. Heals the network for it.
   */
  static CourtedFollower of(SimCluster cluster, String leader, Draws draws) {
    List<String> voters = cluster.voterIds(leader);
    List<String> others = voters.stream()
        .filter(n -> !n.equals(leader) && cluster.state(n) == SimNode.State.UP).toList();
    if (others.size() < 2) return null;
    String candidate = others.get(0);
    List<String> rest = draws.shuffled(others.subList(1, others.size()));
    String follower = rest.get(0);
    int majority = voters.size() / 2 + 1;
    if (rest.size() - 1 < majority - 2) return null;
    List<String> allies = rest.subList(1, 1 + majority - 2);
    cluster.network().heal();
    return new CourtedFollower(leader, follower, candidate, allies,
        cluster.engine(leader).term(), cluster.nowTicks());
  }

  /** Starts the script: step 1. */
  String begin(SimCluster cluster) {
    cluster.network().cutOneWay(leader, follower);
    step = 1;
    return "courtedFollower(leader " + leader + ", follower " + follower + ", candidate "
        + candidate + "): cutOneWay(" + leader + " -> " + follower + ")";
  }

  /** Whether the script is over (finished, or a step waited too long). */
  boolean over(long now) {
    return step == 0 || now > stepDeadline;
  }

  /** Called before every step: takes the next step once its condition holds; says what it did. */
  String advance(SimCluster cluster) {
    RaftEngine f = cluster.engine(follower);
    RaftEngine c = cluster.engine(candidate);
    if (f == null || c == null) {
      step = 0; // a crash got in the way
      return null;
    }
    SimNetwork net = cluster.network();
    switch (step) {
      case 1 -> {
        if (f.role() != Role.PRE_CANDIDATE) return null;
        net.cutOneWay(leader, candidate);
        net.cutOneWay(candidate, leader);
        for (String ally : allies) {
          net.cutOneWay(leader, ally);
          net.cutOneWay(ally, leader);
        }
        cluster.falseAlarm(candidate, leader);
        return next(cluster, "cut(" + leader + " <-> " + candidate
            + (allies.isEmpty() ? "" : ", " + allies) + ")");
      }
      case 2 -> {
        if (c.role() != Role.CANDIDATE || c.term() <= leaderTerm) return null;
        net.cutOneWay(candidate, follower);
        net.stallLink(follower, candidate);
        net.healOneWay(leader, follower);
        return next(cluster, "cutOneWay(" + candidate + " -> " + follower + "), stallLink(" + follower
            + " -> " + candidate + "), healOneWay(" + leader + " -> " + follower + ")");
      }
      case 3 -> {
        if (!leader.equals(f.leaderId())) return null;
        net.releaseLink(follower, candidate);
        net.healOneWay(candidate, follower);
        step = 0;
        return "releaseLink(" + follower + " -> " + candidate + "), healOneWay(" + candidate + " -> "
            + follower + ") [courted follower]";
      }
      default -> {
        return null;
      }
    }
  }

  private String next(SimCluster cluster, String did) {
    step++;
    stepDeadline = cluster.nowTicks() + STEP_TICKS;
    return did + " [courted follower, step " + (step - 1) + "]";
  }
}
