package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: the network's fault vocabulary does what its names say, so scenarios read true.
// Method: send one message on every link after each fault and look at which ones arrive.
class SimNetworkTest {

  private static final List<String> IDS = List.of("n1", "n2", "n3", "n4", "n5");

  private final SimNetwork network = new SimNetwork(IDS, new SplittableRandom(1));
  private long now;

  @Test
  void partitionCutsBothWaysBetweenSidesOnly() {
    network.partition(Set.of("n1", "n2"));

    List<String> arrived = sendOnEveryLink();

    assertThat(arrived).contains("n1>n2", "n2>n1", "n3>n4", "n4>n5");
    assertThat(arrived).doesNotContain("n1>n3", "n3>n1", "n2>n5", "n5>n2");
  }

  @Test
  void isolateCutsOneNodeFromAll() {
    network.isolate("n3");

    assertThat(sendOnEveryLink()).noneMatch(link -> link.contains("n3")).hasSize(12);
  }

  @Test
  void bridgeTalksToBothSidesThatCannotTalkToEachOther() {
    network.bridge(Set.of("n1", "n2"), Set.of("n4", "n5"), "n3");

    List<String> arrived = sendOnEveryLink();

    assertThat(arrived).contains("n3>n1", "n1>n3", "n3>n5", "n5>n3", "n1>n2", "n4>n5");
    assertThat(arrived).doesNotContain("n1>n4", "n4>n1", "n2>n5", "n5>n2");
  }

  @Test
  void oneWayCutIsAsymmetric() {
    network.cutOneWay("n1", "n2");

    assertThat(sendOnEveryLink()).contains("n2>n1").doesNotContain("n1>n2").hasSize(19);
  }

  @Test
  void healRestoresEveryLink() {
    network.partition(Set.of("n1"));
    network.dropRate(1.0);

    network.heal();

    assertThat(sendOnEveryLink()).hasSize(20);
  }

  @Test
  void cutWhileInFlightLosesTheMessage() {
    network.send(heartbeat("n1", "n2"));
    network.isolate("n2");
    now += SimNetwork.HEALTHY_DELAY_MAX_TICKS;
    network.advanceTo(now);

    assertThat(network.dueCount()).isEqualTo(1);
    assertThat(network.takeDue(0)).isNull();
  }

  @Test
  void messagesForAPausedNodeWaitUntilItResumes() {
    network.hold("n2");
    network.send(heartbeat("n1", "n2"));
    now += SimNetwork.HEALTHY_DELAY_MAX_TICKS;
    network.advanceTo(now);
    assertThat(network.dueCount()).isZero();

    network.release("n2");

    assertThat(network.dueCount()).isEqualTo(1);
    assertThat(network.takeDue(0).to()).isEqualTo("n2");
  }

  @Test
  void duplicationDeliversTwice() {
    network.duplicateRate(1.0);
    network.send(heartbeat("n1", "n2"));
    now += SimNetwork.HEALTHY_DELAY_MAX_TICKS;
    network.advanceTo(now);

    assertThat(network.dueCount()).isEqualTo(2);
  }

  /** Sends a heartbeat on each of the 20 links, lets them arrive, and names the links that worked. */
  private List<String> sendOnEveryLink() {
    for (String from : IDS) {
      for (String to : IDS) {
        if (!from.equals(to)) network.send(heartbeat(from, to));
      }
    }
    now += SimNetwork.HEALTHY_DELAY_MAX_TICKS;
    network.advanceTo(now);
    List<String> arrived = new ArrayList<>();
    while (network.dueCount() > 0) {
      Message m = network.takeDue(0);
      if (m != null) arrived.add(m.from() + ">" + m.to());
    }
    return arrived;
  }

  private static Heartbeat heartbeat(String from, String to) {
    return new Heartbeat(from, to, 1, 0, 0, 50_000, 10);
  }
}
