package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.Role;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.runtime.SnapshotPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: each membership check can fail, on the shape it names, and passes the same shape made right.
// Method: real nodes (SimNode: engine, runtime, store) driven by hand into the shape, a planted bug
// where the engine has to misbehave, and the checker run as the cluster runs it after a step.
class ConfigInvariantsTest {

  private static final List<String> IDS = List.of("n1", "n2", "n3", "n4", "n5", "n6");
  private static final Membership N123 = Membership.ofVoters(List.of("n1", "n2", "n3"));
  private static final Membership N1234 = Membership.ofVoters(List.of("n1", "n2", "n3", "n4"));

  private final Invariants invariants = new Invariants();
  private final List<SimNode> nodes = new ArrayList<>();

  @Test
  void aConfigurationThatTakesEffectOnlyOnCommitIsCaught() {
    ConfigInvariants checks = new ConfigInvariants(invariants, N123);
    SimNode leader = leaderWithItsTermCommitted(Set.of(InjectedBug.CONFIG_ON_COMMIT));

    leader.run(() -> leader.engine().addLearner(Member.learner("n4", null, null)));

    assertThatThrownBy(() -> check(checks))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("Configuration not in effect on append: n1 uses Membership[1 "); // the bootstrap entry
  }

  @Test
  void aConfigurationInEffectOnAppendPasses() {
    ConfigInvariants checks = new ConfigInvariants(invariants, N123);
    SimNode leader = leaderWithItsTermCommitted(Set.of());

    leader.run(() -> leader.engine().addLearner(Member.learner("n4", null, null)));

    assertThatCode(() -> check(checks)).doesNotThrowAnyException();
    assertThat(leader.engine().membership().learners()).containsExactly("n4");
  }

  @Test
  void twoUncommittedChangesInALeadersLogAreCaught() {
    ConfigInvariants checks = new ConfigInvariants(invariants, N123);
    SimNode leader = leaderWithItsTermCommitted(Set.of(InjectedBug.TWO_CHANGES_IN_FLIGHT));

    leader.run(() -> leader.engine().addLearner(Member.learner("n4", null, null)));
    leader.run(() -> leader.engine().addLearner(Member.learner("n5", null, null)));

    assertThatThrownBy(() -> check(checks))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("Two configuration changes in flight: n1, leader of term 1, holds"
            + " configuration entries at [2, 3]");
  }

  @Test
  void aCorrectLeaderRefusesTheSecondChangeAndPasses() {
    ConfigInvariants checks = new ConfigInvariants(invariants, N123);
    SimNode leader = leaderWithItsTermCommitted(Set.of());

    leader.run(() -> leader.engine().addLearner(Member.learner("n4", null, null)));
    assertThatThrownBy(() -> leader.engine().addLearner(Member.learner("n5", null, null)))
        .isInstanceOf(RequestFailedException.class);

    assertThatCode(() -> check(checks)).doesNotThrowAnyException();
  }

  @Test
  void aLeaderTwoVotersAwayFromTheCommittedConfigurationIsCaught() {
    // Committed: n1, n4, n5. n1 leads under n1, n2, n3: n2 and n3 in, n4 and n5 out.
    ConfigInvariants checks =
        new ConfigInvariants(invariants, Membership.ofVoters(List.of("n1", "n4", "n5")));
    SimNode n1 = node("n1", N123, Set.of());
    elect(n1, 1, "n2");

    assertThatThrownBy(() -> check(checks))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("Disjoint majorities possible: n1 leads term 1 with voters [n1, n2, n3]")
        .hasMessageContaining("4 voters away from [n1, n4, n5]");
  }

  @Test
  void aLeaderOneVoterAwayFromTheCommittedConfigurationPasses() {
    ConfigInvariants checks =
        new ConfigInvariants(invariants, Membership.ofVoters(List.of("n1", "n2", "n3", "n4")));
    SimNode n1 = node("n1", N123, Set.of());
    elect(n1, 1, "n2");

    assertThatCode(() -> check(checks)).doesNotThrowAnyException();
  }

  /**
   * The 2015 shape: committed n1..n4; n4 leads term 1 without n1 (its own change), n1 leads term 2
   * without n4 (a change of its own on the same base). Each is one voter from what is committed,
   * but n4 and n3 are a majority of n4's voters and still in term 1 while n1 leads term 2.
   */
  @Test
  void twoLeadersWhoseMajoritiesNeedNotMeetAreCaught() {
    ConfigInvariants checks = new ConfigInvariants(invariants, N1234);
    SimNode n4 = node("n4", Membership.ofVoters(List.of("n2", "n3", "n4")), Set.of());
    SimNode n1 = node("n1", N123, Set.of());
    SimNode n2 = node("n2", N1234, Set.of());
    node("n3", N1234, Set.of());
    elect(n4, 1, "n2");
    elect(n1, 2, "n2");
    hearTerm(n2, 2);

    assertThatThrownBy(() -> check(checks))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("Two disjoint majorities: n4 leads term 1 and its voters [n3, n4], a"
            + " majority of [n2, n3, n4], are still at term 1 or below, while n1 leads term 2");
  }

  @Test
  void anOldLeaderWhoseVotersMovedOnPasses() {
    ConfigInvariants checks = new ConfigInvariants(invariants, N1234);
    SimNode n4 = node("n4", Membership.ofVoters(List.of("n2", "n3", "n4")), Set.of());
    SimNode n1 = node("n1", N123, Set.of());
    SimNode n2 = node("n2", N1234, Set.of());
    SimNode n3 = node("n3", N1234, Set.of());
    elect(n4, 1, "n2");
    elect(n1, 2, "n2");
    hearTerm(n2, 2);
    hearTerm(n3, 2); // n4 can no longer gather a majority of its voters in term 1

    assertThatCode(() -> check(checks)).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------- shapes

  private void check(ConfigInvariants checks) {
    invariants.check(nodes);
    checks.check(nodes);
  }

  /** n1, leader of term 1 of n1, n2, n3, with its no-op acknowledged by n2 and so committed. */
  private SimNode leaderWithItsTermCommitted(Set<InjectedBug> bugs) {
    SimNode n1 = node("n1", N123, bugs);
    elect(n1, 1, "n2");
    n1.run(() -> n1.driver().receive(new AppendEntriesResponse("n2", "n1", 1, true, 1, 0, 0)));
    assertThat(n1.engine().commitIndex()).isEqualTo(1);
    return n1;
  }

  /** A node of this test's cluster, started; pre-vote off to elect it simply. */
  private SimNode node(String id, Membership bootstrap, Set<InjectedBug> bugs) {
    SimConfig config = SimConfig.of(1, 3)
        .withRaft(RaftConfig.DEFAULT.withPreVote(false))
        .withSnapshots(SnapshotPolicy.NEVER)
        .withBugs(bugs);
    SimNode node = new SimNode(id, bootstrap, config, new SimNetwork(IDS, new SplittableRandom(1)),
        invariants);
    node.start(new SplittableRandom(nodes.size() + 1));
    nodes.add(node);
    return node;
  }

  /** {@code node} hears n1's heartbeat of {@code term}, and so moves to it. */
  private static void hearTerm(SimNode node, long term) {
    node.run(() -> node.driver().receive(new Heartbeat("n1", node.id, term, 0, 0,
        RaftConfig.DEFAULT.tickMicros(), RaftConfig.DEFAULT.electionTimeoutTicks())));
    assertThat(node.engine().term()).isEqualTo(term);
  }

  /** Ticks {@code node} into a candidacy for {@code term}, then grants it {@code voter}'s vote. */
  private static void elect(SimNode node, long term, String voter) {
    for (int i = 0; i < 200 && (node.engine().role() != Role.CANDIDATE || node.engine().term() < term); i++) {
      node.run(() -> node.driver().tick());
    }
    assertThat(node.engine().term()).isEqualTo(term);
    node.run(() -> node.driver().receive(new RequestVoteResponse(voter, node.id, term, true, false)));
    assertThat(node.engine().role()).isEqualTo(Role.LEADER);
  }
}
