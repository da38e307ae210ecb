package io.bellwether.core.runtime;

import io.bellwether.testkit.cluster.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.StateMachine;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: a node that was busy (a slow sync, a long apply, a GC pause) while its leader's heartbeats
// arrived on time does not mistake its own busyness for the leader's silence: elections under load
// must come from real faults only (the benchmark target: no leader change during full load).
// Method: a 3-node cluster without pre-vote (so a spurious timeout shows as a raised term); one
// follower's state machine holds its node thread still across many heartbeat intervals while the
// leader keeps sending; then it is released, and no node's term may have moved.
class BusyNodeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  // Election timeouts of 300-600 ms (30 ticks of 10 ms): long enough that a loaded 2-core machine's
  // scheduling hiccups do not cause real elections, so only the busy spell is on trial.
  private static final int ELECTION_TICKS = 30;
  private static final int HEARTBEAT_TICKS = 3;
  private static final RaftConfig NO_PRE_VOTE = new RaftConfig(
      ELECTION_TICKS, HEARTBEAT_TICKS, 64, 1 << 20, 4 << 20, 10_000, false, true,
      LocalCluster.TICK.toNanos() / 1_000);

  /** A KvStateMachine whose apply can be held still by the test. */
  private static final class HoldableKv implements StateMachine {
    final KvStateMachine kv = new KvStateMachine();
    volatile CountDownLatch hold = new CountDownLatch(0);
    final CountDownLatch holding = new CountDownLatch(1);

    @Override
    public byte[] apply(long index, byte[] command) {
      if (hold.getCount() > 0) {
        holding.countDown();
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return kv.apply(index, command);
    }

    @Override
    public byte[] query(byte[] query) {
      return kv.query(query);
    }

    @Override
    public byte[] snapshot() {
      return kv.snapshot();
    }

    @Override
    public void restore(long index, byte[] snapshot) {
      kv.restore(index, snapshot);
    }
  }

  @Test
  void aFollowerBusyAcrossManyHeartbeatsDoesNotStartAnElection() throws Exception {
    long seed = 7;
    System.out.println("BusyNodeTest seed=" + seed);
    try (LocalCluster cluster = new LocalCluster(3, HoldableKv::new, seed, NO_PRE_VOTE)) {
      String leader = await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null
          && cluster.ids().stream().allMatch(id -> l.equals(cluster.node(id).status().leader())));
      String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      KvClient client = new KvClient(cluster.node(leader));
      client.put("warm", new byte[] {0}).get(10, TimeUnit.SECONDS);
      await().atMost(DEADLINE).until(() -> cluster.ids().stream()
          .allMatch(id -> cluster.node(id).status().appliedIndex() >= cluster.node(leader).status().commitIndex()));
      long term = cluster.node(leader).status().term();

      HoldableKv busy = (HoldableKv) cluster.stateMachine(follower);
      busy.hold = new CountDownLatch(1);
      long index = client.put("k", new byte[] {1}).get(10, TimeUnit.SECONDS).index();
      assertThat(busy.holding.await(10, TimeUnit.SECONDS)).as("the follower is busy applying").isTrue();
      // Busy for longer than any election timeout (at most 2 x ELECTION_TICKS): wait until the leader
      // has delivered two max timeouts' worth of heartbeat rounds (each round: a heartbeat to either
      // follower and the responsive follower's answer), all queued at the busy follower.
      long delivered = cluster.network().deliveredCount();
      long rounds = 2 * (2 * ELECTION_TICKS) / HEARTBEAT_TICKS;
      await().atMost(DEADLINE).until(() -> cluster.network().deliveredCount() - delivered >= 3 * rounds);
      busy.hold.countDown();

      await().atMost(DEADLINE).until(() -> cluster.node(follower).status().appliedIndex() >= index);
      for (String id : cluster.ids()) {
        assertThat(cluster.node(id).status().term())
            .as("term of %s after %s was busy (leader %s)", id, follower, leader).isEqualTo(term);
      }
      assertThat(cluster.leader()).contains(leader);
    }
  }
}
