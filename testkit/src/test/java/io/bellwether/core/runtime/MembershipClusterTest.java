package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.testkit.cluster.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Goal: RaftNode's membership calls work on real nodes: a joining node is added as a learner, catches
// up (by snapshot when the log was compacted), is promoted and counts; members are removed, the
// leader included, and the rest go on; every answer says truly what happened, and a restarted node
// keeps its configuration. Method: LocalCluster of real nodes over the in-memory network, seeds printed.
class MembershipClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private LocalCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) cluster.close();
  }

  private String start(SnapshotPolicy policy) {
    long seed = System.nanoTime();
    System.out.println("cluster seed=" + seed);
    cluster = new LocalCluster(3, KvStateMachine::new, seed,
        io.bellwether.core.engine.RaftConfig.DEFAULT, policy);
    return awaitLeader();
  }

  private String awaitLeader() {
    return await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aJoiningNodeIsAddedCatchesUpByASnapshotIsPromotedAndCounts() throws Exception {
    String leader = start(new SnapshotPolicy(50, Long.MAX_VALUE, 10));
    KvClient kv = new KvClient(cluster.node(leader));
    for (int i = 0; i < 200; i++) get(kv.put("k" + i, bytes("v" + i)));
    assertThat(cluster.node(leader).status().firstIndex()).as("the log was compacted").isGreaterThan(1);

    RaftNode n4 = cluster.join("n4");
    assertThat(n4.status().membership()).isEqualTo(Membership.EMPTY);
    Membership added = get(cluster.node(leader).addLearner(Member.learner("n4", null, null)));
    assertThat(added.learners()).containsExactly("n4");

    await().atMost(DEADLINE).until(() -> n4.status().appliedIndex() >= added.index());
    assertThat(n4.status().learner()).isTrue();
    assertThat(n4.status().snapshotsInstalled()).as("caught up from a snapshot").isPositive();
    KvStateMachine sm = (KvStateMachine) cluster.stateMachine("n4");
    assertThat(sm.size()).as("every key reached the learner").isGreaterThanOrEqualTo(200);

    Membership promoted = await().atMost(DEADLINE).ignoreExceptions()
        .until(() -> get(cluster.node(awaitLeader()).promote("n4")), m -> m.isVoter("n4"));
    assertThat(promoted.voters()).containsExactly("n1", "n2", "n3", "n4");
    await().atMost(DEADLINE).until(() -> cluster.ids().stream()
        .allMatch(id -> cluster.node(id).status().membership().isVoter("n4")));

    // Four voters: two nodes down leave no majority.
    String now = awaitLeader();
    String[] others = cluster.ids().stream().filter(id -> !id.equals(now)).limit(2).toArray(String[]::new);
    cluster.kill(others[0]);
    cluster.kill(others[1]);
    var blocked = new KvClient(cluster.node(now)).put("blocked", bytes("x"));
    assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    cluster.restart(others[0]);
    cluster.restart(others[1]);
    String after = awaitLeader();
    get(new KvClient(cluster.node(after)).put("after", bytes("y")));
  }

  @Test
  void promotionIsRefusedWithTheLagWhileTheLearnerCannotKeepUp() throws Exception {
    String leader = start(SnapshotPolicy.NEVER);
    KvClient kv = new KvClient(cluster.node(leader));
    for (int i = 0; i < 50; i++) get(kv.put("k" + i, bytes("v")));
    cluster.join("n4");
    cluster.network().isolate("n4");
    get(cluster.node(leader).addLearner(Member.learner("n4", null, null)));
    assertThatThrownBy(() -> get(cluster.node(leader).promote("n4")))
        .hasCauseInstanceOf(RequestFailedException.class)
        .satisfies(e -> assertThat(((RequestFailedException) e.getCause()).reason())
            .isEqualTo(Reason.NOT_CAUGHT_UP));
    assertThat(cluster.node(leader).status().membership().isVoter("n4")).isFalse();
  }

  @Test
  void theLeaderRemovesItselfStepsDownAndTheOthersGoOnWithEveryWrite() throws Exception {
    String leader = start(SnapshotPolicy.NEVER);
    KvClient kv = new KvClient(cluster.node(leader));
    get(kv.put("before", bytes("1")));

    Membership without = get(cluster.node(leader).removeMember(leader));
    assertThat(without.voters()).doesNotContain(leader).hasSize(2);

    String next = await().atMost(DEADLINE).until(
        () -> cluster.leader().filter(l -> !l.equals(leader)).orElse(null), l -> l != null);
    assertThat(cluster.node(leader).status().role()).isNotEqualTo(Role.LEADER);
    KvClient onNext = new KvClient(cluster.node(next));
    get(onNext.put("after", bytes("2")));
    assertThat(get(onNext.get("before")).value()).isEqualTo(bytes("1"));
    // The removed node is told nothing more and never campaigns: the term stays.
    long term = cluster.node(next).status().term();
    long removedTerm = cluster.node(leader).status().term();
    for (int i = 0; i < 20; i++) get(onNext.put("more" + i, bytes("x")));
    assertThat(cluster.node(next).status().term()).isEqualTo(term);
    assertThat(cluster.node(leader).status().term()).isEqualTo(removedTerm);
  }

  @Test
  void aRestartedMemberKeepsTheConfigurationItsStoreHolds() throws Exception {
    String leader = start(new SnapshotPolicy(20, Long.MAX_VALUE, 5));
    cluster.join("n4");
    get(cluster.node(leader).addLearner(Member.learner("n4", "127.0.0.1:7004", null)));
    KvClient kv = new KvClient(cluster.node(leader));
    for (int i = 0; i < 60; i++) get(kv.put("k" + i, bytes("v"))); // snapshots cover the change
    String follower = cluster.ids().stream()
        .filter(id -> !id.equals(leader) && !id.equals("n4")).findFirst().orElseThrow();
    await().atMost(DEADLINE).until(() -> cluster.node(follower).status().snapshotIndex() > 0);
    cluster.kill(follower);
    cluster.kill("n4");
    cluster.restart(follower);
    cluster.restart("n4");
    assertThat(cluster.node(follower).status().membership().learners()).containsExactly("n4");
    assertThat(cluster.node("n4").status().membership().member("n4").orElseThrow().peer())
        .isEqualTo("127.0.0.1:7004");
    assertThat(cluster.node("n4").status().learner()).isTrue();
  }

  @Test
  void refusalsSayWhyAndChangeNothing() throws Exception {
    String leader = start(SnapshotPolicy.NEVER);
    RaftNode node = cluster.node(leader);
    Membership before = node.status().membership();
    assertThat(reason(() -> get(node.removeMember("n9")))).isEqualTo(Reason.NOT_A_MEMBER);
    assertThat(reason(() -> get(node.promote("n9")))).isEqualTo(Reason.NOT_A_MEMBER);
    assertThat(reason(() -> get(node.addLearner(Member.learner("n2", "10.9.9.9:1", null)))))
        .isEqualTo(Reason.CONFLICT);
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    assertThat(reason(() -> get(cluster.node(follower).addLearner(Member.learner("n5", null, null)))))
        .isEqualTo(Reason.NOT_LEADER);
    assertThat(node.status().membership()).isEqualTo(before);
    // The same learner twice: one change, and the repeat answers with it.
    cluster.join("n4");
    Membership once = get(node.addLearner(Member.learner("n4", null, null)));
    Membership twice = get(node.addLearner(Member.learner("n4", null, null)));
    assertThat(twice).isEqualTo(once);
  }

  private interface Call {
    void run() throws Exception;
  }

  private static Reason reason(Call call) {
    try {
      call.run();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RequestFailedException r) return r.reason();
      throw new AssertionError("unexpected failure", e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a refusal");
  }
}
