package io.bellwether.discovery.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import org.junit.jupiter.api.Test;

// Goal: prove the member is configured quiet, light and contained, so a regression shows up here and
// not as a surprise connection in production. Method: build the Config without starting a member.
class MemberConfigFactoryTest {

  private final Config config = MemberConfigFactory.create(
      HazelcastDiscoverySettings.from(new NodeContext("orders", "n1", null, Settings.empty()
          .with(HazelcastDiscoverySettings.BIND, "127.0.0.1:5701")
          .with(HazelcastDiscoverySettings.SEEDS, "127.0.0.1:5701,10.0.0.2:5701"))),
      new PeerAddress("n1", new Endpoint("10.0.0.1", 7001), new Endpoint("10.0.0.1", 8001)));

  @Test
  void phoneHomeIsOffAndLoggingGoesThroughSlf4j() {
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
  }

  @Test
  void theMemberBindsOnlyTheConfiguredInterfaceAndPort() {
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
  }

  @Test
  void theMemberJoinsOnlyThroughTheSeeds() {
    JoinConfig join = config.getNetworkConfig().getJoin();

    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701", "10.0.0.2:5701");
  }

  @Test
  void theMemberHoldsNoDataAndAnnouncesTheNodesAddresses() {
    assertThat(config.getProperty("hazelcast.partition.count")).isEqualTo("1");
    assertThat(config.getJetConfig().isEnabled()).isFalse();
    assertThat(config.getClusterName()).isEqualTo("bellwether-orders");
    assertThat(config.getMemberAttributeConfig().getAttributes()).containsEntry(MemberAttributes.NODE_ID, "n1")
        .containsEntry(MemberAttributes.PEER, "10.0.0.1:7001")
        .containsEntry(MemberAttributes.HTTP, "10.0.0.1:8001");
  }
}
