package io.bellwether.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

// Goal: prove the static peer list is parsed exactly, always includes this node, and fails loudly on bad text.
// Method: parse literal settings and build discoveries through the provider, checking views and error messages.
class StaticDiscoveryTest {

  private static final PeerAddress SELF =
      new PeerAddress("n1", new Endpoint("10.0.0.1", 7001), new Endpoint("10.0.0.1", 8001));

  @Test
  void parsesPeersWithAndWithoutHttp() {
    Map<String, PeerAddress> peers =
        StaticDiscovery.parsePeers(" n1=127.0.0.1:7001@127.0.0.1:8001 , n2=127.0.0.1:7002,n3=[::1]:7003@[::1]:8003");

    assertThat(peers).containsOnly(
        Map.entry("n1", new PeerAddress("n1", new Endpoint("127.0.0.1", 7001), new Endpoint("127.0.0.1", 8001))),
        Map.entry("n2", new PeerAddress("n2", new Endpoint("127.0.0.1", 7002), null)),
        Map.entry("n3", new PeerAddress("n3", new Endpoint("::1", 7003), new Endpoint("::1", 8003))));
  }

  @Test
  void emptyTextMeansNoPeers() {
    assertThat(StaticDiscovery.parsePeers("  ")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "n1", "=127.0.0.1:7001", "n1=", "n1=localhost", "n1=localhost:port", "n1=localhost:70000",
      "n1=a:1@", "n1=a:1@b:2@c:3", "n 1=a:1", "n1=a:1,,n2=b:2", "n1=a:1,"})
  void badTextIsRejectedNamingTheSettingAndThePart(String text) {
    String badPart = text.contains(",") ? "''" : "'" + text + "'";

    assertThatThrownBy(() -> StaticDiscovery.parsePeers(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(StaticDiscovery.PEERS_SETTING)
        .hasMessageContaining(badPart);
  }

  @Test
  void duplicateNodeIdsAreRejected() {
    assertThatThrownBy(() -> StaticDiscovery.parsePeers("n1=a:1,n2=b:2,n1=c:3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(StaticDiscovery.PEERS_SETTING)
        .hasMessageContaining("'n1'");
  }

  @Test
  void providerAddsThisNodeWhenTheListOmitsIt() {
    Discovery discovery = create("n2=127.0.0.1:7002");

    assertThat(discovery.peers()).containsOnlyKeys("n1", "n2").containsEntry("n1", SELF);
  }

  @Test
  void providerPrefersTheAddressThisNodeAnnounces() {
    Discovery discovery = create("n1=127.0.0.1:9999,n2=127.0.0.1:7002");

    assertThat(discovery.lookup("n1")).contains(SELF);
  }

  @Test
  void providerWithoutTheSettingKnowsOnlyThisNode() {
    Discovery discovery = new StaticDiscoveryProvider()
        .create(new NodeContext("c", "n1", null, Settings.empty()), SELF);

    assertThat(discovery.peers()).containsOnlyKeys("n1");
  }

  @Test
  void providerRejectsABadSetting() {
    assertThatThrownBy(() -> create("n2=nowhere"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(StaticDiscovery.PEERS_SETTING);
  }

  @Test
  void listenerHearsTheFullViewOnceAtStart() {
    StaticDiscovery discovery = new StaticDiscovery(Map.of("n1", SELF));
    List<Map<String, PeerAddress>> views = new ArrayList<>();

    discovery.start(views::add);

    assertThat(views).containsExactly(Map.of("n1", SELF));
    assertThatThrownBy(() -> discovery.start(views::add)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void constructorRejectsAKeyThatIsNotTheAddressNodeId() {
    assertThatThrownBy(() -> new StaticDiscovery(Map.of("n2", SELF)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Discovery create(String peers) {
    Settings settings = Settings.of(Map.of(StaticDiscovery.PEERS_SETTING, peers));
    return new StaticDiscoveryProvider().create(new NodeContext("c", "n1", null, settings), SELF);
  }
}
