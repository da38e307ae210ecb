package io.bellwether.discovery.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.spi.DiscoveryProvider;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

// Goal: prove bad discovery.hazelcast.* settings fail before any member starts, naming the setting,
// and that good ones get sensible defaults. Method: build settings and the provider from plain maps.
class HazelcastDiscoverySettingsTest {

  private static final String SEEDS = HazelcastDiscoverySettings.SEEDS;

  @Test
  void defaultsBindToLoopbackAndDeriveTheClusterNameFromTheClusterId() {
    HazelcastDiscoverySettings settings = from(Settings.empty().with(SEEDS, "127.0.0.1:5701"), "orders");

    assertThat(settings.bind()).isEqualTo(new Endpoint("127.0.0.1", 5701));
    assertThat(settings.clusterName()).isEqualTo("bellwether-orders");
    assertThat(settings.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void twoClusterIdsGetTwoClusterNames() {
    Settings seeded = Settings.empty().with(SEEDS, "127.0.0.1:5701");

    assertThat(from(seeded, "a").clusterName()).isNotEqualTo(from(seeded, "b").clusterName());
  }

  @Test
  void seedsAreParsedTrimmedAndDeduplicated() {
    HazelcastDiscoverySettings settings =
        from(Settings.empty().with(SEEDS, " 10.0.0.1:5701, 10.0.0.2:5702 ,10.0.0.1:5701"), "c");

    assertThat(settings.seeds()).containsExactly(new Endpoint("10.0.0.1", 5701), new Endpoint("10.0.0.2", 5702));
  }

  @Test
  void missingSeedsAreRefused() {
    assertThatThrownBy(() -> from(Settings.empty(), "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'discovery.hazelcast.seeds' is missing");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = ';', value = {
      "discovery.hazelcast.seeds; 127.0.0.1",
      "discovery.hazelcast.seeds; 127.0.0.1:5701,,127.0.0.1:5702",
      "discovery.hazelcast.seeds; 127.0.0.1:port",
      "discovery.hazelcast.seeds; 127.0.0.1:0",
      "discovery.hazelcast.bind; 127.0.0.1",
      "discovery.hazelcast.bind; 127.0.0.1:70000",
      "discovery.hazelcast.bind; 0.0.0.0:5701",
      "discovery.hazelcast.bind; 192.0.2.1:5701",
      "discovery.hazelcast.clusterName; ''",
      "discovery.hazelcast.maxNoHeartbeat; soon",
      "discovery.hazelcast.maxNoHeartbeat; 500ms",
  })
  void badSettingsAreRefusedNamingTheSetting(String key, String value) {
    Settings settings = Settings.empty().with(SEEDS, "127.0.0.1:5701").with(key, value);

    assertThatThrownBy(() -> from(settings, "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + key + "'");
  }

  @Test
  void theProviderIsFoundByNameThroughServiceLoader() {
    List<String> names = ServiceLoader.load(DiscoveryProvider.class).stream()
        .map(provider -> provider.get().name())
        .toList();

    assertThat(names).contains("hazelcast");
  }

  @Test
  void theProviderRefusesBadSettingsBeforeStartingAnything() {
    NodeContext context = new NodeContext("c", "n1", null, Settings.empty());
    PeerAddress self = new PeerAddress("n1", new Endpoint("127.0.0.1", 7001), null);

    assertThatThrownBy(() -> new HazelcastDiscoveryProvider().create(context, self))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SEEDS);
  }

  @Test
  void theProviderRefusesAnAddressOfAnotherNode() {
    NodeContext context = new NodeContext("c", "n1", null, Settings.empty().with(SEEDS, "127.0.0.1:5701"));
    PeerAddress other = new PeerAddress("n2", new Endpoint("127.0.0.1", 7001), null);

    assertThatThrownBy(() -> new HazelcastDiscoveryProvider().create(context, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n2");
  }

  private static HazelcastDiscoverySettings from(Settings settings, String clusterId) {
    return HazelcastDiscoverySettings.from(new NodeContext(clusterId, "n1", null, settings));
  }
}
