package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.testkit.cluster.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Goal: RaftNode.transferLeadership moves the leadership to the named voter (or the most caught-up
// one) at once, answers with the new leader, and a write that arrives during the transfer waits and
// is then answered truly: NOT_LEADER naming the new leader (never appended), or applied here when the
// transfer is given up. Method: LocalCluster of real nodes, seeds printed.
class LeadershipTransferClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private LocalCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) cluster.close();
  }

  private String startAndAwaitLeader() {
    long seed = System.nanoTime();
    System.out.println("cluster seed=" + seed);
    cluster = new LocalCluster(3, KvStateMachine::new, seed);
    return await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null);
  }

  @Test
  void theNamedVoterLeadsNextAndEveryAcknowledgedWriteIsThere() throws Exception {
    String old = startAndAwaitLeader();
    KvClient kv = new KvClient(cluster.node(old));
    kv.put("before", bytes("1")).get(10, TimeUnit.SECONDS);
    String target = cluster.ids().stream().filter(id -> !id.equals(old)).findFirst().orElseThrow();

    String newLeader = cluster.node(old).transferLeadership(target).get(10, TimeUnit.SECONDS);

    assertThat(newLeader).isEqualTo(target);
    await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), target::equals);
    KvClient onTarget = new KvClient(cluster.node(target));
    onTarget.put("after", bytes("2")).get(10, TimeUnit.SECONDS);
    assertThat(onTarget.get("before").get(10, TimeUnit.SECONDS).value()).isEqualTo(bytes("1"));
  }

  @Test
  void withNoTargetTheMostCaughtUpVoterIsChosen() throws Exception {
    String old = startAndAwaitLeader();
    String newLeader = cluster.node(old).transferLeadership(null).get(10, TimeUnit.SECONDS);
    assertThat(newLeader).isNotEqualTo(old).isIn(cluster.ids());
  }

  @Test
  void aWriteDuringTheTransferWaitsAndIsThenAnsweredTruly() throws Exception {
    String old = startAndAwaitLeader();
    String target = cluster.ids().stream().filter(id -> !id.equals(old)).findFirst().orElseThrow();
    // The target hears nobody for a moment, so the transfer is still running when the write comes.
    // Were the write not held, the engine's refusal (NO_LEADER, "being handed to") would come back.
    cluster.network().isolate(target);
    CompletableFuture<String> transfer = cluster.node(old).transferLeadership(target);
    CompletableFuture<KvWrite> during = new KvClient(cluster.node(old)).put("during", bytes("x"));
    cluster.network().healAll();
    Throwable transferFailure = failure(transfer);
    Throwable writeFailure = failure(during);
    if (transferFailure == null) {
      assertThat(transfer.get()).isEqualTo(target);
      assertThat(writeFailure).as("never appended: certainly not applied, go to the new leader")
          .isInstanceOfSatisfying(RequestFailedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.NOT_LEADER);
            assertThat(e.leaderHint()).isEqualTo(target);
          });
    } else {
      // Given up before the heal (an election timeout is 100 ms here): the write went on at the old leader.
      assertThat(transferFailure).isInstanceOf(OutcomeUnknownException.class);
      assertThat(writeFailure).isNull();
    }
  }

  @Test
  void onlyTheLeaderTransfersAndOnlyToAVoter() throws Exception {
    String leader = startAndAwaitLeader();
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    await().atMost(DEADLINE).until(() -> leader.equals(cluster.node(follower).status().leader()));
    assertThat(failure(cluster.node(follower).transferLeadership(leader)))
        .isInstanceOfSatisfying(RequestFailedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_LEADER));
    assertThat(failure(cluster.node(leader).transferLeadership("n9"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(cluster.node(leader).transferLeadership(leader).get(10, TimeUnit.SECONDS)).isEqualTo(leader);
  }

  @Test
  void aTransferThatCannotFinishEndsAsOutcomeUnknownAndWritesResumeOnTheOldLeader() throws Exception {
    String old = startAndAwaitLeader();
    String target = cluster.ids().stream().filter(id -> !id.equals(old)).findFirst().orElseThrow();
    cluster.network().isolate(target);
    CompletableFuture<String> transfer = cluster.node(old).transferLeadership(target);
    CompletableFuture<KvWrite> during = new KvClient(cluster.node(old)).put("during", bytes("x"));
    assertThat(failure(transfer)).isInstanceOf(OutcomeUnknownException.class);
    assertThat(during.get(10, TimeUnit.SECONDS).index()).as("given up: the held write goes on here").isPositive();
    assertThat(cluster.leader()).contains(old);
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable t = e.getCause();
      while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
      return t;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
