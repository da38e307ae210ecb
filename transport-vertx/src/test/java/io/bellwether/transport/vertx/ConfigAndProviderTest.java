package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.spi.TransportException;
import io.bellwether.core.spi.TransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

// Goal: settings have sensible defaults, bad values fail naming the setting, the provider is found by
// name, and a port that is taken is a TransportException at start. Method: plain construction.
class ConfigAndProviderTest {

  private static final StaticDiscovery DISCOVERY = new StaticDiscovery(Map.of(
      "n1", new PeerAddress("n1", new Endpoint("127.0.0.1", 7001), null),
      "n2", new PeerAddress("n2", new Endpoint("127.0.0.1", 7002), null)));

  private static VertxTransportConfig config(Settings settings) {
    return VertxTransportConfig.from(new NodeContext("c", "n1", null, settings), DISCOVERY);
  }

  @Test
  void defaultsListenWhereDiscoveryPutsThisNode() {
    VertxTransportConfig c = config(Settings.empty());

    assertThat(c.listen()).isEqualTo(new Endpoint("127.0.0.1", 7001));
    assertThat(c.eventLoops()).isEqualTo(1);
    assertThat(c.maxFrameBytes()).isEqualTo(16 * 1024 * 1024 + 64 * 1024);
    assertThat(c.queueLimit()).isEqualTo(4096);
    assertThat(c.reconnectMin()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.reconnectMax()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void explicitSettingsWin() {
    VertxTransportConfig c = config(Settings.empty()
        .with("transport.vertx.listen", "0.0.0.0:9000")
        .with("transport.vertx.eventLoops", "2")
        .with("transport.vertx.maxFrameBytes", "65536")
        .with("transport.vertx.queueLimit", "10")
        .with("transport.vertx.reconnect.min", "5ms")
        .with("transport.vertx.reconnect.max", "1s"));

    assertThat(c.listen()).isEqualTo(new Endpoint("0.0.0.0", 9000));
    assertThat(c.eventLoops()).isEqualTo(2);
    assertThat(c.maxFrameBytes()).isEqualTo(65536);
    assertThat(c.queueLimit()).isEqualTo(10);
    assertThat(c.reconnectMin()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.reconnectMax()).isEqualTo(Duration.ofSeconds(1));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "transport.vertx.listen, nonsense",
      "transport.vertx.listen, host:99999",
      "transport.vertx.eventLoops, 0",
      "transport.vertx.eventLoops, many",
      "transport.vertx.maxFrameBytes, 10",
      "transport.vertx.queueLimit, 0",
      "transport.vertx.reconnect.min, 0ms",
      "transport.vertx.reconnect.min, soon",
      "transport.vertx.reconnect.max, 10ms",
      "transport.vertx.connectTimeout, -5",
      "transport.vertx.handshakeTimeout, 0"})
  void invalidSettingsFailNamingTheSetting(String key, String value) {
    assertThatThrownBy(() -> config(Settings.empty().with(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
  }

  @Test
  void listenIsRequiredWhenDiscoveryDoesNotKnowThisNode() {
    assertThatThrownBy(() -> VertxTransportConfig.from(
            new NodeContext("c", "stranger", null, Settings.empty()), DISCOVERY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transport.vertx.listen")
        .hasMessageContaining("stranger");
  }

  @Test
  void providerIsRegisteredByName() {
    TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("vertx"))
        .findFirst()
        .orElseThrow();

    Transport transport = provider.create(new NodeContext("c", "n1", null, Settings.empty()), DISCOVERY);

    assertThat(transport).isInstanceOf(VertxTransport.class);
    transport.close(); // never started: closing is still fine
  }

  @Test
  void aPortThatIsTakenFailsStartWithATransportException() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      VertxTransport transport = new VertxTransport(new NodeContext("c", "n1", null,
          Settings.empty().with("transport.vertx.listen", "127.0.0.1:" + taken.getLocalPort())), DISCOVERY);

      assertThatThrownBy(() -> transport.start(m -> { }))
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
      transport.close();
    }
  }

  @Test
  void handshakeRoundTripsAndRejectsIdsThatDoNotFit() throws Exception {
    Handshake hello = new Handshake("cluster-é", "n1", "nœud-2");
    io.vertx.core.buffer.Buffer wire = hello.encode();

    assertThat(wire.getInt(0)).isEqualTo(Handshake.MAGIC);
    assertThat(wire.getUnsignedShort(6)).isEqualTo(wire.length() - Handshake.PREAMBLE_BYTES);
    assertThat(Handshake.decodeBody(wire.slice(Handshake.PREAMBLE_BYTES, wire.length()))).isEqualTo(hello);
    assertThatThrownBy(() -> new Handshake("c", "x".repeat(256), "n2"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Handshake("", "n1", "n2")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void backoffGrowsWithJitterAndIsCapped() {
    Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.delayMs(1)).isBetween(25L, 50L);
      assertThat(backoff.delayMs(3)).isBetween(100L, 200L);
      assertThat(backoff.delayMs(100)).isBetween(1000L, 2000L);
    }
  }
}
