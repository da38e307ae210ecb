package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.node.membership.MembershipDiscovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: the node's discovery reaches every member of its configuration, the configured discovery
 * winning field by field where it knows a node, hints serving only until a configuration names this
 * node, and a removed member forgotten. Method: a static discovery under it, configurations fed by
 * hand as the node thread would.
 */
class MembershipDiscoveryTest {

  static PeerAddress at(String id, String peer, String http) {
    return new PeerAddress(id, Endpoint.parse(peer), http == null ? null : Endpoint.parse(http));
  }

  static Membership of(long index, Member... members) {
    return new Membership(index, List.of(members));
  }

  @Test
  void theConfiguredDiscoveryWinsAndTheConfigurationFillsIn() {
    MembershipDiscovery d = new MembershipDiscovery(new StaticDiscovery(Map.of(
        "n1", at("n1", "10.0.0.1:7000", "10.0.0.1:8080"),
        "n2", at("n2", "10.0.0.2:7000", null))), "n1");
    List<Map<String, PeerAddress>> heard = new ArrayList<>();
    d.start(heard::add);

    d.update(of(5, new Member("n1", true, "192.168.0.1:7000", "192.168.0.1:8080"),
        new Member("n2", true, "192.168.0.2:7000", "192.168.0.2:8080"),
        Member.learner("n4", "10.0.0.4:7000", "10.0.0.4:8080"),
        Member.voter("n5"))); // founded without addresses: nothing to add

    assertThat(d.lookup("n1")).contains(at("n1", "10.0.0.1:7000", "10.0.0.1:8080"));
    assertThat(d.lookup("n2")).as("its peer address from the list, the HTTP one it lacks from the log")
        .contains(at("n2", "10.0.0.2:7000", "192.168.0.2:8080"));
    assertThat(d.lookup("n4")).as("added at runtime").contains(at("n4", "10.0.0.4:7000", "10.0.0.4:8080"));
    assertThat(d.lookup("n5")).isEmpty();
    assertThat(d.peers()).containsOnlyKeys("n1", "n2", "n4");
    assertThat(heard.get(heard.size() - 1)).containsOnlyKeys("n1", "n2", "n4");

    d.update(of(6, new Member("n1", true, "192.168.0.1:7000", "192.168.0.1:8080"),
        new Member("n2", true, "192.168.0.2:7000", "192.168.0.2:8080")));
    assertThat(d.lookup("n4")).as("removed: forgotten").isEmpty();
    assertThat(d.lookup("n2")).as("the list still knows it").isPresent();
  }

  @Test
  void hintsServeAJoiningNodeUntilItsConfigurationArrives() {
    MembershipDiscovery d = new MembershipDiscovery(new StaticDiscovery(Map.of(
        "n4", at("n4", "10.0.0.4:7000", "10.0.0.4:8080"))), "n4");
    d.start(peers -> {});
    d.update(Membership.EMPTY);
    d.hint(of(3, new Member("n1", true, "10.0.0.1:7000", "10.0.0.1:8080"),
        new Member("n9", true, "10.0.0.9:7000", "10.0.0.9:8080")));
    assertThat(d.lookup("n1")).contains(at("n1", "10.0.0.1:7000", "10.0.0.1:8080"));

    d.update(of(4, new Member("n1", true, "10.0.0.11:7000", "10.0.0.11:8080"),
        Member.learner("n4", "10.0.0.4:7000", "10.0.0.4:8080")));
    assertThat(d.lookup("n1")).as("the log wins over hints").contains(at("n1", "10.0.0.11:7000", "10.0.0.11:8080"));
    assertThat(d.lookup("n9")).as("hints dropped once the configuration names this node").isEmpty();
  }

  @Test
  void anAddressThatIsNotHostPortIsSkipped() {
    MembershipDiscovery d = new MembershipDiscovery(new StaticDiscovery(Map.of()), "n1");
    d.update(of(2, new Member("n1", true, "nowhere", null), Member.learner("n2", "10.0.0.2:7000", "garbage")));
    assertThat(d.lookup("n1")).isEmpty();
    assertThat(d.lookup("n2")).isEmpty();
  }
}
