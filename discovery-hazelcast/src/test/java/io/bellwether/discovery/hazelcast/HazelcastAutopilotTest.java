package io.bellwether.discovery.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.runtime.MembershipAutopilot;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.SnapshotPolicy;
import io.bellwether.testkit.cluster.LocalCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Goal: with Hazelcast discovery, a node that appears there is added to the cluster and promoted up
// to the target number of voters by the leader's autopilot, with no operator and no --join; and a
// member that disappears from Hazelcast is removed once the grace period is set and has passed.
// Method: one embedded Hazelcast member per Raft node of a LocalCluster; every node runs an
// autopilot on its own Hazelcast view (only the leader's acts), reconciled by the test's loop.
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HazelcastAutopilotTest {

  private static final Duration DEADLINE = Duration.ofSeconds(40);

  private final HazelcastMembers hazelcast = new HazelcastMembers()
      .with(HazelcastDiscoverySettings.MAX_NO_HEARTBEAT, "6s");
  private final Map<String, HazelcastDiscovery> views = new HashMap<>();
  private LocalCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) cluster.close();
    hazelcast.close();
  }

  /** Reconciles every running node's autopilot until {@code done} holds of the leader's configuration. */
  private Membership reconcileUntil(MembershipAutopilot.Settings settings,
      java.util.function.Predicate<Membership> done) {
    Map<String, MembershipAutopilot> pilots = new HashMap<>();
    return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
      for (String id : cluster.ids()) {
        RaftNode node = cluster.node(id);
        if (node == null || !views.containsKey(id)) continue;
        pilots.computeIfAbsent(id, k -> new MembershipAutopilot(node, views.get(k), settings)).reconcile();
      }
      return cluster.node(cluster.leader().orElseThrow()).status().membership();
    }, done);
  }

  @Test
  void aNodeThatAppearsInHazelcastIsAddedPromotedAndRemovedWhenItIsGoneLongEnough() {
    long seed = System.nanoTime();
    System.out.println("cluster seed=" + seed);
    cluster = new LocalCluster(3, KvStateMachine::new, seed, RaftConfig.DEFAULT, SnapshotPolicy.NEVER);
    for (String id : cluster.ids()) views.put(id, hazelcast.start(id));
    await().atMost(DEADLINE).until(() -> views.values().stream().allMatch(v -> v.peers().size() == 3));

    cluster.join("n4");
    views.put("n4", hazelcast.start("n4"));
    MembershipAutopilot.Settings settings = new MembershipAutopilot.Settings(true, 4, Duration.ofSeconds(1));
    Membership grown = reconcileUntil(settings, m -> m.isVoter("n4"));
    assertThat(grown.voters()).containsExactly("n1", "n2", "n3", "n4");
    assertThat(grown.member("n4").orElseThrow().peer())
        .as("the address Hazelcast announced").isEqualTo(views.get("n4").peers().get("n4").peer().toString());

    // n4 crashes: its Hazelcast member goes without a goodbye, and Hazelcast notices within its bound.
    views.remove("n4").member().getLifecycleService().terminate();
    cluster.kill("n4");
    Membership shrunk = reconcileUntil(settings, m -> !m.contains("n4"));
    assertThat(shrunk.voters()).containsExactly("n1", "n2", "n3");
  }
}
