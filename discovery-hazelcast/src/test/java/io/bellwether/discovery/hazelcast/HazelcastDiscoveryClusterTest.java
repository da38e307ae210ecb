package io.bellwether.discovery.hazelcast;

import static io.bellwether.discovery.hazelcast.HazelcastMembers.addressOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.spi.PeerAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Goal: prove members on loopback learn each other's addresses, see leaves, crashes and restarts, stay
// apart across cluster names, and never let a duplicate node id replace a running node's address.
// Method: start several embedded members in this JVM and wait (with a deadline) for the views to settle.
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HazelcastDiscoveryClusterTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  private final HazelcastMembers members = new HazelcastMembers()
      // Bounds how long a crashed member may linger in the others' views.
      .with(HazelcastDiscoverySettings.MAX_NO_HEARTBEAT, "6s");

  @AfterEach
  void closeMembers() {
    members.close();
  }

  @Test
  void threeMembersLearnEachOthersAddresses() {
    List<Map<String, PeerAddress>> heardByN1 = new CopyOnWriteArrayList<>();
    HazelcastDiscovery n1 = members.start("n1", heardByN1);
    HazelcastDiscovery n2 = members.start("n2");
    HazelcastDiscovery n3 = members.start("n3");

    for (HazelcastDiscovery discovery : List.of(n1, n2, n3)) {
      await().atMost(SETTLE).until(() -> discovery.peers().size() == 3);
    }
    Map<String, PeerAddress> view = n1.peers();
    assertThat(n2.peers()).isEqualTo(view);
    assertThat(n3.peers()).isEqualTo(view);
    assertThat(view.get("n2")).isEqualTo(n2.peers().get("n2"));
    assertThat(view.values()).allSatisfy(address -> assertThat(address.http()).isNotNull());
    await().atMost(SETTLE).until(() -> !heardByN1.isEmpty() && heardByN1.get(heardByN1.size() - 1).equals(view));
  }

  @Test
  void aMemberThatLeavesIsRemovedFromPeers() {
    HazelcastDiscovery n1 = members.start("n1");
    HazelcastDiscovery n2 = members.start("n2");
    HazelcastDiscovery n3 = members.start("n3");
    await().atMost(SETTLE).until(() -> n1.peers().size() == 3 && n3.peers().size() == 3);

    n2.close();

    await().atMost(SETTLE).until(() -> !n1.peers().containsKey("n2") && !n3.peers().containsKey("n2"));
    assertThat(n1.peers()).containsOnlyKeys("n1", "n3");
  }

  @Test
  void aCrashedMemberDisappearsWithinTheHeartbeatBound() {
    HazelcastDiscovery n1 = members.start("n1");
    HazelcastDiscovery n2 = members.start("n2");
    await().atMost(SETTLE).until(() -> n1.peers().size() == 2);

    n2.member().getLifecycleService().terminate(); // no goodbye, as in a kill -9

    await().atMost(Duration.ofSeconds(20)).until(() -> !n1.peers().containsKey("n2"));
  }

  @Test
  void aMemberRestartedOnAnotherPortIsSeenAtItsNewAddress() {
    List<Map<String, PeerAddress>> heardByN1 = new CopyOnWriteArrayList<>();
    HazelcastDiscovery n1 = members.start("n1", heardByN1);
    HazelcastDiscovery n2 = members.start("n2");
    await().atMost(SETTLE).until(() -> n1.peers().containsKey("n2"));
    PeerAddress before = n1.peers().get("n2");
    n2.close();

    HazelcastDiscovery restarted = members.start("n2");

    PeerAddress after = restarted.lookup("n2").orElseThrow();
    assertThat(after).isNotEqualTo(before);
    await().atMost(SETTLE).until(() -> after.equals(n1.peers().get("n2")));
    await().atMost(SETTLE).until(() -> heardByN1.stream().anyMatch(view -> after.equals(view.get("n2"))));
  }

  @Test
  void twoClusterNamesNeverSeeEachOther() {
    HazelcastDiscovery a1 = members.start("n1");
    int a1Port = a1.lookup("n1").orElseThrow().peer().port();
    int b1Port = HazelcastMembers.freePort();
    // Cluster B is even seeded with A's address: the cluster name alone keeps them apart.
    HazelcastDiscovery b1 = members.create("n1", b1Port, "127.0.0.1:" + b1Port + ",127.0.0.1:" + a1Port, "other-" + members.clusterName());
    b1.start(view -> {});
    HazelcastDiscovery a2 = members.start("n2");

    await().atMost(SETTLE).until(() -> a1.peers().size() == 2);
    assertThat(a1.peers()).containsOnlyKeys("n1", "n2");
    assertThat(a1.peers().get("n1")).isEqualTo(addressOf("n1", a1Port));
    assertThat(b1.peers()).containsOnlyKeys("n1");
    assertThat(b1.peers().get("n1")).isEqualTo(addressOf("n1", b1Port));
    assertThat(a2.peers()).containsOnlyKeys("n1", "n2");
  }

  @Test
  void aSecondMemberClaimingATakenNodeIdFailsToStartAndTheFirstKeepsItsAddress() {
    HazelcastDiscovery first = members.start("n1");
    HazelcastDiscovery other = members.start("n2");
    PeerAddress original = first.lookup("n1").orElseThrow();
    // The impostor waits maxNoHeartbeat plus two heartbeats (2s + 2 x 1s) for the first to drop out.
    HazelcastDiscovery impostor = members.with(HazelcastDiscoverySettings.MAX_NO_HEARTBEAT, "2s").create("n1");
    PeerAddress impostorAddress = impostor.lookup("n1").orElseThrow();

    assertThatThrownBy(() -> impostor.start(view -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node id 'n1'")
        .hasMessageContaining(":" + original.peer().port())
        .hasMessageContaining(":" + impostorAddress.peer().port());

    assertThat(first.lookup("n1")).contains(original);
    await().atMost(SETTLE).until(() -> other.peers().size() == 2);
    assertThat(other.lookup("n1")).contains(original);
  }

  @Test
  void aRestartedNodeWaitsForItsPreviousRunToLeaveThenTakesItsId() throws Exception {
    HazelcastDiscovery n1 = members.start("n1");
    HazelcastDiscovery previousRun = members.start("n2");
    HazelcastDiscovery nextRun = members.create("n2");
    PeerAddress nextAddress = nextRun.lookup("n2").orElseThrow();
    CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> nextRun.start(view -> {}));
    await().atMost(SETTLE).until(() -> n1.member().getCluster().getMembers().size() == 3);
    assertThat(n1.lookup("n2")).contains(previousRun.lookup("n2").orElseThrow());

    previousRun.close();

    starting.get(30, TimeUnit.SECONDS);
    await().atMost(SETTLE).until(() -> nextAddress.equals(n1.peers().get("n2")));
    assertThat(nextRun.peers()).containsOnlyKeys("n1", "n2");
  }
}
