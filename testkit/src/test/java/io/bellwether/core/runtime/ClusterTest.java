package io.bellwether.core.runtime;

import io.bellwether.testkit.cluster.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.Role;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvRead;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Goal: whole clusters of real RaftNodes (own threads, in-memory network and stores) elect, replicate,
// survive a leader's death with every acknowledged write, catch up restarted followers, and fence
// leaders cut off in a minority. Method: LocalCluster, faults on the in-memory network, Awaitility.
class ClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private LocalCluster cluster;

  @org.junit.jupiter.api.BeforeAll
  static void pollPromptly() {
    // Awaitility waits 100 ms before its first look by default; these conditions are often true at once.
    org.awaitility.Awaitility.setDefaultPollDelay(Duration.ZERO);
    org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
  }

  @AfterEach
  void tearDown() {
    if (cluster != null) cluster.close();
  }

  private LocalCluster start(int size) {
    long seed = System.nanoTime();
    System.out.println("cluster seed=" + seed);
    cluster = new LocalCluster(size, KvStateMachine::new, seed);
    return cluster;
  }

  private String awaitLeader() {
    return await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null);
  }

  private KvClient client(String id) {
    return new KvClient(cluster.node(id));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T join(CompletableFuture<T> f) throws Exception {
    return f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  /** Writes through whichever node leads, retrying while leadership moves. */
  private KvWrite putViaLeader(String key, String value) {
    return await().atMost(DEADLINE).ignoreExceptions().until(() -> {
      String leader = awaitLeader();
      return join(client(leader).put(key, bytes(value)));
    }, KvWrite::ok);
  }

  private KvRead linearizableGet(String via, String key) throws Exception {
    return join(client(via).get(key));
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void electsExactlyOneLeaderAndEveryoneFollowsIt(int size) {
    start(size);
    String leader = awaitLeader();
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (String id : cluster.ids()) {
        NodeStatus s = cluster.node(id).status();
        assertThat(s.leader()).as(id).isEqualTo(leader);
        assertThat(s.role()).as(id).isEqualTo(id.equals(leader) ? Role.LEADER : Role.FOLLOWER);
      }
    });
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void writesReplicateToEveryNode(int size) throws Exception {
    start(size);
    KvWrite last = null;
    for (int i = 0; i < 20; i++) last = putViaLeader("k" + i, "v" + i);
    long index = last.index();
    for (String id : cluster.ids()) {
      KvRead r = join(client(id).get("k19", ReadConsistency.STALE, index));
      assertThat(r.found()).as(id).isTrue();
      assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("v19");
      assertThat(r.appliedIndex()).isGreaterThanOrEqualTo(index);
    }
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void killingTheLeaderElectsAnotherAndLosesNoAcknowledgedWrite(int size) throws Exception {
    start(size);
    List<String> acknowledged = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 10; i++) {
        String key = "r" + round + "k" + i;
        putViaLeader(key, key + "-value");
        acknowledged.add(key);
      }
      String old = awaitLeader();
      cluster.kill(old);
      String next = awaitLeader();
      assertThat(next).isNotEqualTo(old);
      for (String key : acknowledged) {
        KvRead r = linearizableGet(next, key);
        assertThat(r.found()).as(key).isTrue();
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(key + "-value");
      }
      cluster.restart(old);
    }
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void restartedFollowerCatchesUp(int size) throws Exception {
    start(size);
    String leader = awaitLeader();
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    cluster.kill(follower);
    KvWrite last = null;
    for (int i = 0; i < 30; i++) last = putViaLeader("k" + i, "v" + i);
    cluster.restart(follower);
    KvRead r = join(client(follower).get("k29", ReadConsistency.STALE, last.index()));
    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("v29");
    // Linearizable reads on the restarted follower go through the leader's ReadIndex.
    assertThat(linearizableGet(follower, "k0").found()).isTrue();
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void leaderIsolatedInAMinorityCannotCommitAndStepsDown(int size) throws Exception {
    start(size);
    String old = awaitLeader();
    putViaLeader("before", "x");
    cluster.network().isolate(old);
    CompletableFuture<KvWrite> stranded = client(old).put("stranded", bytes("never"));
    await().atMost(DEADLINE).until(() -> cluster.node(old).status().role() != Role.LEADER);
    // The majority elects a new leader and keeps working.
    String next = await().atMost(DEADLINE).until(
        () -> cluster.leader().filter(l -> !l.equals(old)).orElse(null), l -> l != null);
    putViaLeader("after", "y");
    // The isolated node's write never became visible, and its client was never told it succeeded.
    assertThat(linearizableGet(next, "stranded").found()).isFalse();
    assertThat(stranded).satisfiesAnyOf(
        f -> assertThat(f).isNotDone(),
        f -> assertThat(f).isCompletedExceptionally());
    cluster.network().healAll();
    // Once healed, the old leader's log is repaired and its stranded client fails.
    await().atMost(DEADLINE).until(stranded::isDone);
    assertThat(stranded).isCompletedExceptionally();
    assertThat(linearizableGet(old, "after").found()).isTrue();
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void partitionedNodeRejoiningDoesNotDisruptAHealthyCluster(int size) throws Exception {
    start(size);
    String leader = awaitLeader();
    putViaLeader("k", "v");
    long term = cluster.node(leader).status().term();
    String loner = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    cluster.network().isolate(loner);
    // Let the loner time out many times over: pre-vote keeps it from raising its term.
    long ticks = 0;
    KvWrite last = null;
    while (ticks++ < 20) last = putViaLeader("k" + ticks, "v");
    await().atMost(DEADLINE).until(() -> cluster.node(loner).status().role() == Role.PRE_CANDIDATE
        || cluster.node(loner).status().leader() == null);
    cluster.network().healAll();
    long index = last.index();
    await().atMost(DEADLINE).until(() -> cluster.node(loner).status().appliedIndex() >= index);
    assertThat(cluster.leader()).contains(leader);
    assertThat(cluster.node(leader).status().term()).isEqualTo(term);
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3})
  void writesToAFollowerAreTurnedAwayNamingTheLeader(int size) {
    start(size);
    String leader = awaitLeader();
    await().atMost(DEADLINE).until(() -> cluster.ids().stream()
        .allMatch(id -> leader.equals(cluster.node(id).status().leader())));
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    CompletableFuture<KvWrite> f = client(follower).put("k", bytes("v"));
    assertThat(f).failsWithin(DEADLINE).withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(RequestFailedException.class, e -> {
          assertThat(e.reason()).isEqualTo(RequestFailedException.Reason.NOT_LEADER);
          assertThat(e.leaderHint()).isEqualTo(leader);
          assertThat(e.mayHaveHappened()).isFalse();
        });
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3})
  void leaseReadsSeeTheLatestAcknowledgedWriteOnLeaderAndFollowers(int size) throws Exception {
    start(size);
    for (int i = 0; i < 5; i++) {
      putViaLeader("k", "v" + i);
      for (String id : cluster.ids()) {
        KvRead r = join(client(id).get("k", ReadConsistency.LEASE, 0));
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).as(id).isEqualTo("v" + i);
      }
    }
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3})
  void everyNodeConvergesToTheSameState(int size) throws Exception {
    start(size);
    KvWrite last = null;
    for (int i = 0; i < 50; i++) last = putViaLeader("k" + (i % 7), "v" + i);
    long index = last.index();
    await().atMost(DEADLINE).until(() -> cluster.ids().stream()
        .allMatch(id -> cluster.node(id).status().appliedIndex() >= index));
    Map<String, Long> hashes = new java.util.TreeMap<>();
    // Read the hashes on the node threads' terms: wait until no more entries are being applied.
    await().atMost(DEADLINE).untilAsserted(() -> {
      hashes.clear();
      for (String id : cluster.ids()) {
        long applied = cluster.node(id).status().appliedIndex();
        assertThat(applied).isEqualTo(cluster.node(cluster.ids().iterator().next()).status().appliedIndex());
        hashes.put(id, ((KvStateMachine) cluster.stateMachine(id)).stateHash());
      }
      assertThat(hashes.values().stream().distinct().count()).as(hashes.toString()).isEqualTo(1);
    });
  }

  @Test
  void leaderSyncsOncePerWriteNotAgainToRecordTheCommitIndex() throws Exception {
    // One client writing in sequence: each write costs the leader exactly one sync, for the entry.
    // Syncing the hard state again when only its commit index moved would put a second fsync
    // between the followers' acknowledgements and the answer (the commit index is not trusted after
    // a restart, so it need not be durable). Measured over one term: an election would add syncs.
    start(3);
    int writes = 20;
    for (int attempt = 0; attempt < 3; attempt++) {
      String leader = awaitLeader();
      KvClient kv = client(leader);
      join(kv.put("warm", bytes("up")));
      long term = cluster.node(leader).status().term();
      long before = cluster.store(leader).syncCount();
      for (int i = 0; i < writes; i++) join(kv.put("k" + i, bytes("v" + i)));
      long syncs = cluster.store(leader).syncCount() - before;
      if (cluster.node(leader).status().term() != term) continue; // leadership moved: measure again
      assertThat(syncs).as("leader syncs for %d sequential writes", writes).isEqualTo(writes);
      return;
    }
    throw new AssertionError("leadership kept moving; could not measure one term");
  }
}
