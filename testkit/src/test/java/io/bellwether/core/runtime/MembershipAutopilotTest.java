package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.testkit.cluster.LocalCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Goal: the autopilot turns what discovery sees into membership changes on the leader only: adds
// unknown nodes as learners, promotes them up to the target number of voters once caught up, and
// removes a member missing from discovery only when asked to and only after the grace period.
// Method: LocalCluster of real nodes, a discovery whose view the test sets, a clock the test moves.
class MembershipAutopilotTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private LocalCluster cluster;
  private final FakeDiscovery discovery = new FakeDiscovery();
  private final AtomicLong clock = new AtomicLong();

  @AfterEach
  void tearDown() {
    if (cluster != null) cluster.close();
  }

  private String start() {
    long seed = System.nanoTime();
    System.out.println("cluster seed=" + seed);
    cluster = new LocalCluster(3, KvStateMachine::new, seed, RaftConfig.DEFAULT, SnapshotPolicy.NEVER);
    for (String id : cluster.ids()) discovery.see(id);
    return await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null);
  }

  /** Each pilot's settings, so that the other nodes' pilots run with the same. */
  private final Map<MembershipAutopilot, MembershipAutopilot.Settings> settingsOf = new HashMap<>();

  /** The pilots of the other nodes, made as {@link #reconcileUntil} needs them. */
  private final Map<String, MembershipAutopilot> others = new HashMap<>();

  private MembershipAutopilot autopilotOn(String id, MembershipAutopilot.Settings settings) {
    MembershipAutopilot pilot = new MembershipAutopilot(cluster.node(id), discovery, settings, clock::get);
    settingsOf.put(pilot, settings);
    nodeOf.put(pilot, cluster.node(id));
    return pilot;
  }

  /**
   * Reconciles {@code pilot}, and a pilot with its settings on every other running node, as every
   * node of a real cluster runs one, until {@code done} holds of the leader's configuration: the
   * leadership may move on a loaded machine, and only the leader's pilot acts.
   */
  private Membership reconcileUntil(MembershipAutopilot pilot, java.util.function.Predicate<Membership> done) {
    return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
      pilot.reconcile();
      for (String id : cluster.ids()) {
        RaftNode node = cluster.node(id);
        if (node == null || node == pilotNode(pilot)) continue;
        others.computeIfAbsent(id, k -> new MembershipAutopilot(node, discovery, settingsOf.get(pilot), clock::get))
            .reconcile();
      }
      return cluster.node(cluster.leader().orElseThrow()).status().membership();
    }, done);
  }

  private final Map<MembershipAutopilot, RaftNode> nodeOf = new HashMap<>();

  private RaftNode pilotNode(MembershipAutopilot pilot) {
    return nodeOf.get(pilot);
  }

  @Test
  void aDiscoveredNodeIsAddedAsALearnerByTheLeaderOnlyAndNotPromotedWithoutAutoPromote() {
    String leader = start();
    cluster.join("n4");
    discovery.see("n4");
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    assertThat(autopilotOn(follower, new MembershipAutopilot.Settings(true, 5, null)).reconcile())
        .as("a follower's autopilot changes nothing").isNull();

    MembershipAutopilot pilot = autopilotOn(leader, new MembershipAutopilot.Settings(false, 5, null));
    Membership m = reconcileUntil(pilot, c -> c.contains("n4"));
    assertThat(m.learners()).containsExactly("n4");
    Membership mem = m;
    assertThat(mem.member("n4").orElseThrow().peer()).isEqualTo("127.0.0.1:7004");
    assertThat(mem.member("n4").orElseThrow().http()).isEqualTo("127.0.0.1:8004");
    await().atMost(DEADLINE).until(() -> cluster.node("n4").status().learner());
    for (int i = 0; i < 20; i++) pilot.reconcile();
    assertThat(cluster.node(leader).status().membership().isVoter("n4")).isFalse();
  }

  @Test
  void learnersArePromotedUpToTheTargetNumberOfVoters() {
    String leader = start();
    cluster.join("n4");
    cluster.join("n5");
    discovery.see("n4");
    discovery.see("n5");
    MembershipAutopilot pilot = autopilotOn(leader, new MembershipAutopilot.Settings(true, 4, null));
    Membership m = reconcileUntil(pilot, c -> c.voters().size() == 4 && c.contains("n5"));
    for (int i = 0; i < 20; i++) pilot.reconcile();
    m = cluster.node(leader).status().membership();
    assertThat(m.voters()).hasSize(4);
    assertThat(m.learners()).hasSize(1);
  }

  @Test
  void aMemberMissingFromDiscoveryIsRemovedOnlyAfterTheGracePeriodAndOnlyIfAsked() {
    String leader = start();
    String gone = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    discovery.lose(gone);
    discovery.lose(leader); // the leader never removes itself, whatever discovery says
    MembershipAutopilot never = autopilotOn(leader, new MembershipAutopilot.Settings(false, 3, null));
    clock.addAndGet(Duration.ofHours(1).toNanos());
    assertThat(never.reconcile()).isNull();

    MembershipAutopilot pilot = autopilotOn(leader,
        new MembershipAutopilot.Settings(false, 3, Duration.ofSeconds(30)));
    assertThat(pilot.reconcile()).as("first seen missing now").isNull();
    clock.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(pilot.reconcile()).isNull();
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    Membership m = reconcileUntil(pilot, c -> !c.contains(gone));
    assertThat(m.voters()).hasSize(2).contains(leader);
  }

  @Test
  void aLearnerThatNeverCatchesUpStarvesNeitherRemovalsNorOtherPromotions() {
    String leader = start();
    String gone = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    discovery.see("n4"); // announced, never started: it never answers
    MembershipAutopilot pilot = autopilotOn(leader,
        new MembershipAutopilot.Settings(true, 5, Duration.ofSeconds(30)));
    reconcileUntil(pilot, c -> c.contains("n4"));
    cluster.join("n5");
    discovery.see("n5");
    reconcileUntil(pilot, c -> c.isVoter("n5"));
    discovery.lose(gone);
    // The clock moves a minute a look: whichever node leads measures the absence from its own
    // first look (a new leader starts afresh), and the promotion of n4 keeps being retried.
    Membership m = reconcileUntil(pilot, c -> {
      clock.addAndGet(Duration.ofMinutes(1).toNanos());
      return !c.contains(gone);
    });
    assertThat(m.learners()).containsExactly("n4");
  }

  @Test
  void aNodeRemovedWhileItStillRunsIsNotAddedBackUntilItLeavesDiscovery() throws Exception {
    String leader = start();
    cluster.join("n4");
    discovery.see("n4");
    MembershipAutopilot pilot = autopilotOn(leader, new MembershipAutopilot.Settings(false, 3, null));
    reconcileUntil(pilot, c -> c.contains("n4"));
    cluster.node(leader).removeMember("n4").get(10, java.util.concurrent.TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) pilot.reconcile();
    assertThat(cluster.node(leader).status().membership().contains("n4"))
        .as("removed while it still runs: the operator's removal stands").isFalse();
    discovery.lose("n4"); // it stopped
    pilot.reconcile();
    discovery.see("n4"); // and came back, as a new node
    reconcileUntil(pilot, c -> c.contains("n4"));
  }

  /** A discovery whose view the test sets; each node n{i} at 127.0.0.1:700{i} and :800{i}. */
  private static final class FakeDiscovery implements Discovery {
    private final Map<String, PeerAddress> peers = new TreeMap<>();

    synchronized void see(String id) {
      String n = id.substring(1);
      peers.put(id, new PeerAddress(id, Endpoint.parse("127.0.0.1:700" + n),
          Endpoint.parse("127.0.0.1:800" + n)));
    }

    synchronized void lose(String id) {
      peers.remove(id);
    }

    @Override
    public void start(Listener listener) {}

    @Override
    public synchronized Optional<PeerAddress> lookup(String nodeId) {
      return Optional.ofNullable(peers.get(nodeId));
    }

    @Override
    public synchronized Map<String, PeerAddress> peers() {
      return Map.copyOf(peers);
    }

    @Override
    public void close() {}
  }
}
