package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Goal: a cluster whose membership changes under faults (learners added, promoted, members removed,
// the leader among them, two changes asked at once, the 2015 schedule) keeps every invariant and
// every history linearizable, and nodes that are no members keep running without getting in the
// way; and a node that uses the committed configuration instead of its newest is caught by what it
// breaks, not only by the check that compares it with its log.
// Method: the membership hunt's weather over fixed seeds, 3 and 5 nodes, with counts that show the
// runs are not vacuous; one scripted removal of the leader; the default sweep with a planted bug.
class SimMembershipTest {

  /**
   * Seeds 1..N; {@code -Dbellwether.sim.membershipSeeds=N} soaks more, from {@code
   * -Dbellwether.sim.membershipFrom=S} (default 1), reporting every failing seed before failing (add
   * {@code -Dbw.forkTimeoutSeconds=0} for long soaks).
   */
  private static final long SEEDS = Long.getLong("bellwether.sim.membershipSeeds", 3);

  private static final long FROM = Long.getLong("bellwether.sim.membershipFrom", 1);

  private static final Pattern ACCEPTED = Pattern.compile("(addLearner|promote|remove)\\([^)]*\\)( \\[itself\\])? by \\S+: entry");

  @Test
  @Timeout(value = 7, unit = TimeUnit.DAYS) // a soak runs as long as its seeds take
  void membershipChangesUnderFaultsKeepEveryHistoryLinearizable() {
    List<String> failures = new ArrayList<>();
    int adds = 0;
    int promotions = 0;
    int removals = 0;
    int leadersRemovingThemselves = 0;
    int strandedSwitches = 0;
    int runs = 0;
    for (long seed = FROM; seed < FROM + SEEDS; seed++) {
      for (int nodes : new int[] {3, 5}) {
        SimResult result = Simulation.run(BugHunt.membershipHunt(SimConfig.of(seed, nodes)));
        runs++;
        if (result.failed()) {
          System.out.println(result.report());
          failures.add("seed " + seed + ", " + nodes + " nodes: "
              + result.failure().lines().findFirst().orElse("") + " (replay: "
              + result.config().replayHint() + " -Dbellwether.sim.membershipHunt=true)");
        }
        for (String action : result.schedule()) {
          Matcher m = ACCEPTED.matcher(action);
          while (m.find()) {
            switch (m.group(1)) {
              case "addLearner" -> adds++;
              case "promote" -> promotions++;
              default -> {
                removals++;
                if (m.group(2) != null) leadersRemovingThemselves++;
              }
            }
          }
          if (action.contains("[stranded change, step 5]")) strandedSwitches++;
        }
      }
    }
    System.out.println("membership: " + runs + " runs, " + failures.size() + " failed; accepted "
        + adds + " additions, " + promotions + " promotions, " + removals + " removals ("
        + leadersRemovingThemselves + " of the leader itself), " + strandedSwitches
        + " stranded changes played out: " + failures);
    assertThat(failures).isEmpty();
    // Not vacuous: the membership did change, in every way, and the 2015 schedule was played.
    assertThat(adds).as("learners added").isGreaterThan(5 * runs);
    assertThat(promotions).as("learners promoted").isGreaterThan(2 * runs);
    assertThat(removals).as("members removed").isGreaterThan(5 * runs);
    assertThat(leadersRemovingThemselves).as("leaders that removed themselves").isPositive();
    assertThat(strandedSwitches).as("stranded changes played out").isGreaterThan(runs);
  }

  /**
   * A leader removes itself: it steps down once that commits, the others elect one of them, and
   * the removed node, still running, neither campaigns (SimNode checks every vote request it
   * sends) nor moves anyone's term while the new leader serves writes.
   */
  @Test
  void aLeaderThatRemovesItselfStepsDownAndStaysOutOfTheWay() {
    SimCluster cluster = new SimCluster(SimConfig.of(1, 3).withFaults(FaultMix.NONE));
    assertThat(cluster.runUntil(() -> cluster.agreedLeader() != null, 500)).isTrue();
    String old = cluster.agreedLeader();
    RaftEngine leader = cluster.engine(old);
    assertThat(cluster.runUntil(() -> leader.termAt(leader.commitIndex()) == leader.term(), 100)).isTrue();
    // Both others must have answered lately, or the removal would leave no active majority.
    assertThat(cluster.runUntil(() -> leader.voters().stream()
        .filter(v -> !v.equals(old)).allMatch(v -> leader.lag(v) >= 0), 100)).isTrue();
    MembershipFaults changes = new MembershipFaults(cluster, new Draws(new SplittableRandom(1)));

    MembershipFaults.Answer removal = changes.ask(old, "remove(" + old + ")", e -> e.removeMember(old));

    assertThat(removal.accepted()).as(removal.said()).isTrue();
    assertThat(cluster.runUntil(() -> {
      String now = cluster.agreedLeader();
      return now != null && !now.equals(old);
    }, 500)).as("a new leader among the other two").isTrue();
    String successor = cluster.agreedLeader();
    long term = cluster.engine(successor).term();
    assertThat(cluster.engine(old).role()).isEqualTo(Role.FOLLOWER);
    assertThat(cluster.members().contains(old)).isFalse();
    long committed = cluster.engine(successor).commitIndex();

    cluster.runFor(1_000); // clients write all along, through whichever node they pick

    assertThat(cluster.engine(successor).term()).as("nobody disrupted the new leader").isEqualTo(term);
    assertThat(cluster.agreedLeader()).isEqualTo(successor);
    assertThat(cluster.engine(successor).commitIndex()).as("writes went on").isGreaterThan(committed + 50);
    assertThat(cluster.engine(old).role()).isEqualTo(Role.FOLLOWER);
    assertThat(cluster.engine(old).term()).as("the removed node never campaigned").isLessThanOrEqualTo(term);
  }

  /**
   * CONFIG_ON_COMMIT with the check that holds each node's configuration against its log switched
   * off: what the wrong configuration breaks (commitment counted by the wrong voters, leaders
   * elected by them) must still be caught by a safety property within the default sweep's runs.
   */
  @Test
  void aConfigurationUsedOnlyOnceCommittedIsCaughtByWhatItBreaks() {
    int run = 0;
    for (long seed = 1; seed <= SimulationTest.FIXED_SEEDS; seed++) {
      for (int nodes : new int[] {3, 5}) {
        run++;
        SimConfig config = SimConfig.of(seed, nodes).withBugs(EnumSet.of(InjectedBug.CONFIG_ON_COMMIT));
        SimResult result = Simulation.run(config, c -> {
          SimCluster cluster = new SimCluster(c);
          cluster.configInvariants().skipInEffectCheck();
          return cluster;
        });
        assertThat(result.harnessBroke()).as(result.report()).isFalse();
        if (result.failed() && !result.failure().startsWith("liveness")) {
          System.out.println("CONFIG_ON_COMMIT, not compared with the log, caught by the default"
              + " sweep's run " + run + " (seed " + seed + ", " + nodes + " nodes): "
              + result.failure().lines().findFirst().orElse(""));
          assertThat(result.failure()).doesNotStartWith("Configuration not in effect");
          return;
        }
      }
    }
    throw new AssertionError("CONFIG_ON_COMMIT went unnoticed by the other checks in " + run + " runs");
  }
}
