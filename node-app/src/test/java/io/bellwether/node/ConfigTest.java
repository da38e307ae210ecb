package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.spi.Settings;
import io.bellwether.node.cli.Main;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.ConfigLoader;
import io.bellwether.node.config.Defaults;
import io.bellwether.node.config.NodeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Goal: configuration is merged in the documented order (flags, environment, file, defaults) and every
 * bad value fails at start-up naming the setting and the value. Method: load from explicit maps and
 * temporary files, and run {@code bellwether node} with bad flags.
 */
class ConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsGiveASingleDurableNode() {
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("data.dir", dir.toString())));
    assertThat(c.nodeId()).isEqualTo("n1");
    assertThat(c.voters()).containsExactly("n1");
    assertThat(c.transport()).isEqualTo(Defaults.TRANSPORT);
    assertThat(c.storage()).isEqualTo(Defaults.STORAGE).isEqualTo("mapdb");
    assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath());
    assertThat(c.discovery()).isEqualTo(Defaults.DISCOVERY);
    assertThat(c.httpListen().toString()).isEqualTo(Defaults.HTTP_LISTEN);
    assertThat(c.tick()).isEqualTo(Duration.ofMillis(Defaults.TICK_MS));
    assertThat(c.shutdownTransferLeadership()).as("a stopping leader hands over by default").isTrue();
  }

  @Test
  void flagsBeatEnvironmentBeatsFileBeatsDefaults() throws Exception {
    Path file = dir.resolve("node.properties");
    Files.writeString(file, "tick=100ms\nrequest.timeout=7s\nmax.value.bytes=10\ncluster.id=from-file\n");
    Map<String, String> env = Map.of("BELLWETHER_TICK", "200ms", "BELLWETHER_REQUEST_TIMEOUT", "8s");
    Map<String, String> flags = Map.of("tick", "300ms");

    NodeConfig c = NodeConfig.from(ConfigLoader.load(flags, env, file));
    assertThat(c.tick()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(c.maxValueBytes()).isEqualTo(10);
    assertThat(c.clusterId()).isEqualTo("from-file");
    assertThat(c.inboxCapacity()).isEqualTo(Defaults.INBOX_CAPACITY);

    NodeConfig noFlags = NodeConfig.from(ConfigLoader.load(Map.of(), env, file));
    assertThat(noFlags.tick()).isEqualTo(Duration.ofMillis(200));
    NodeConfig fileOnly = NodeConfig.from(ConfigLoader.load(Map.of(), Map.of(), file));
    assertThat(fileOnly.tick()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theEngineIsToldTheTickTheNodeRuns() {
    // Heartbeats carry the leader's tick and election timeout, so followers can tell whether their
    // promise covers its lease: the engine's idea of the tick must be the node's, or RaftNode
    // refuses to build.
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("data.dir", dir.toString(), "tick", "20ms",
        "election.timeout.ticks", "15")));
    assertThat(c.raftConfig().tickMicros()).isEqualTo(20_000);
    assertThat(c.raftConfig().electionTimeoutTicks()).isEqualTo(15);
    NodeConfig defaults = NodeConfig.from(Settings.of(Map.of("data.dir", dir.toString())));
    assertThat(defaults.raftConfig().tickMicros()).isEqualTo(Defaults.TICK_MS * 1_000L);
  }

  @Test
  void theEnvironmentCanNameThePropertiesFile() throws Exception {
    Path file = dir.resolve("other.properties");
    Files.writeString(file, "node.id=n7\n");
    Settings s = ConfigLoader.load(Map.of(), Map.of("BELLWETHER_CONFIG", file.toString(), "BELLWETHER_URL", "x"), null);
    assertThat(NodeConfig.from(s).nodeId()).isEqualTo("n7");
  }

  @Test
  void staticPeersGiveVotersAndThisNodesAddresses() {
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("node.id", "b",
        "discovery.static.peers", "a=127.0.0.1:7001@127.0.0.1:8001,b=127.0.0.1:7002@127.0.0.1:8002")));
    assertThat(c.voters()).containsExactlyInAnyOrder("a", "b");
    assertThat(c.peerListen().toString()).isEqualTo("127.0.0.1:7002");
    assertThat(c.httpListen().toString()).isEqualTo("127.0.0.1:8002");
    assertThat(c.settings().get("voters")).contains("a,b");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "node.id|bad id!",
      "cluster.id|''",
      "tick|abc",
      "tick|0ms",
      "tick|20s",
      "request.timeout|-5",
      "max.value.bytes|-1",
      "max.value.bytes|lots",
      "inbox.capacity|3",
      "max.pending.requests|0",
      "election.timeout.ticks|1",
      "heartbeat.interval.ticks|50",
      "http.listen|localhost",
      "http.listen|127.0.0.1:99999",
      "peer.listen|:7000",
      "transport|Bad Name",
      "voters|n2,n3",
      "voters|n1,n1",
      "http.forward.writes|maybe",
      "shutdown.grace|soon",
      "shutdown.transfer.leadership|maybe",
      "discovery.static.peers|n2=nowhere",
  })
  void aBadValueNamesTheSettingAndTheValue(String key, String value) {
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of(key, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(value);
  }

  @Test
  void requestTimeoutShorterThanATickIsRefused() {
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("tick", "100ms", "request.timeout", "50ms"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("request.timeout").hasMessageContaining("50ms");
  }

  @Test
  void durableStorageDefaultsToADirectoryNamedForTheNode() {
    assertThat(NodeConfig.from(Settings.of(Map.of("storage", "mapdb", "node.id", "n7"))).dataDir())
        .isEqualTo(Path.of("data", "n7").toAbsolutePath());
    assertThat(NodeConfig.from(Settings.of(Map.of("storage", "inmem"))).dataDir()).isNull();
    assertThat(NodeConfig.from(Settings.of(Map.of("storage", "mapdb", "data.dir", dir.toString()))).dataDir())
        .isEqualTo(dir.toAbsolutePath());
  }

  @Test
  void votersWithoutAnAddressAreRefusedUnderStaticDiscovery() {
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("voters", "n1,n2"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("voters").hasMessageContaining("n2");
    assertThat(NodeConfig.from(Settings.of(Map.of("voters", "n1,n2", "discovery", "hazelcast"))).voters())
        .isEqualTo(Set.of("n1", "n2"));
  }

  @Test
  void unknownKeysAreRefusedWhereverTheyComeFrom() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("tick.ms", "5"), Map.of(), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tick.ms");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("BELLWETHER_TIKC", "5"), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("BELLWETHER_TIKC");
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "requst.timeout=5s\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("requst.timeout").hasMessageContaining(file.toString());
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(), dir.resolve("missing.properties")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing.properties");
    // Module settings pass through for the module to validate.
    Settings s = ConfigLoader.load(Map.of("transport.vertx.eventLoops", "2"), Map.of(), null);
    assertThat(s.get("transport.vertx.eventLoops")).contains("2");
  }

  @Test
  void anUnknownModuleNameListsTheAvailableOnes() {
    Modules modules = Modules.fromClasspath();
    assertThatThrownBy(() -> modules.transport("carrier-pigeon"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("carrier-pigeon").hasMessageContaining("inmem");
    assertThatThrownBy(() -> modules.storage("floppy"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("floppy").hasMessageContaining("inmem");
    assertThatThrownBy(() -> modules.discovery("dns"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("dns").hasMessageContaining("static");
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("transport", "carrier-pigeon", "http.listen", "127.0.0.1:0")));
    assertThatThrownBy(() -> BellwetherNode.start(c, modules)).hasMessageContaining("available: ");
  }

  @Test
  void theNodeCommandExitsWithCode2OnBadConfiguration() {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err)).execute("node", "--tick", "abc");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("tick").contains("abc");

    StringWriter err2 = new StringWriter();
    int code2 = Main.commandLine().setErr(new PrintWriter(err2))
        .execute("node", "--transport", "carrier-pigeon", "--http-listen", "127.0.0.1:0");
    assertThat(code2).isEqualTo(2);
    assertThat(err2.toString()).contains("carrier-pigeon").contains("available");
  }

  @Test
  void envVariablesMapToSettings() {
    Map<String, String> env = new HashMap<>();
    env.put("BELLWETHER_NODE_ID", "x1");
    env.put("BELLWETHER_HTTP_FORWARD_WRITES", "false");
    env.put("BELLWETHER_SHUTDOWN_TRANSFER_LEADERSHIP", "false");
    env.put("BELLWETHER_JAVA_OPTS", "-Xmx1g");
    env.put("BELLWETHER_BENCH_JAR", "/tmp/bellwether-benchmarks.jar"); // the load tool's, not a setting
    env.put("BELLWETHER_NO_REBUILD", "1"); // the launchers', not a setting
    env.put("PATH", "/bin");
    NodeConfig c = NodeConfig.from(ConfigLoader.load(Map.of(), env, null));
    assertThat(c.nodeId()).isEqualTo("x1");
    assertThat(c.forwardWrites()).isFalse();
    assertThat(c.shutdownTransferLeadership()).isFalse();
  }

  @Test
  void snapshotThresholdsAreSettingsAndAreValidated() {
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("storage", "inmem", "snapshot.entries", "500",
        "snapshot.catchup.entries", "50")));
    assertThat(c.snapshotPolicy().thresholdEntries()).isEqualTo(500);
    assertThat(c.snapshotPolicy().catchUpTailEntries()).isEqualTo(50);
    assertThat(c.snapshotPolicy().thresholdBytes()).isEqualTo(io.bellwether.core.runtime.SnapshotPolicy.DEFAULT.thresholdBytes());
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("storage", "inmem", "snapshot.entries", "0"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("snapshot.entries").hasMessageContaining("'0'");
  }
}
