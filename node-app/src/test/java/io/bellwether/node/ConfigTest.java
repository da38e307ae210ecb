package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.runtime.MembershipAutopilot;
import io.bellwether.core.spi.Settings;
import io.bellwether.node.cli.Main;
import io.bellwether.node.cli.NodeCommand;
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
      "membership.join|127.0.0.1:8080",
      "membership.join|ftp://127.0.0.1:8080",
      "membership.join|http://127.0.0.1",
      "membership.join|http://127.0.0.1:8080/v1/cluster",
      "membership.join|http://127.0.0.1:8080,,http://127.0.0.1:8081",
      "membership.join.timeout|5000s",
      "membership.join.timeout|soon",
      "membership.join.promote|maybe",
      "membership.promotion.max.lag|-1",
      "watch.history.changes|0",
      "watch.history.changes|many",
      "watch.history.bytes|1000",
      "watch.heartbeat.interval|10ms",
      "watch.heartbeat.interval|1h",
      "watch.max.streams|0",
      "log.cache.entries|0",
      "log.cache.bytes|1000",
      "log.cache.bytes|lots",
  })
  void aBadValueNamesTheSettingAndTheValue(String key, String value) {
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of(key, value))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(value);
  }

  @Test
  void joiningTakesURLsAndNoVoters() {
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("node.id", "n4", "storage", "inmem",
        "membership.join", "http://10.0.0.1:8080, http://[::1]:8081/", "membership.join.promote", "true")));
    assertThat(c.membership().joining()).isTrue();
    assertThat(c.membership().join()).extracting(Object::toString)
        .containsExactly("http://10.0.0.1:8080", "http://[::1]:8081");
    assertThat(c.membership().promote()).isTrue();
    assertThat(c.membership().joinTimeout()).isEqualTo(Duration.ofMillis(Defaults.JOIN_TIMEOUT_MS));
    assertThat(c.voters()).as("a joining node takes the configuration from the cluster").isEmpty();

    NodeConfig founding = NodeConfig.from(Settings.of(Map.of("storage", "inmem")));
    assertThat(founding.membership().joining()).isFalse();
    assertThat(founding.membership().promote()).isFalse();
    assertThat(founding.membership().promotionMaxLag()).isEqualTo(Defaults.PROMOTION_MAX_LAG);
    assertThat(NodeConfig.from(Settings.of(Map.of("membership.promotion.max.lag", "0"))).membership().promotionMaxLag())
        .isZero();
  }

  @Test
  void withADiscoverySystemANodeOffTheFoundersListWaitsToBeAddedAndTheAutopilotRuns() {
    NodeConfig later = NodeConfig.from(Settings.of(Map.of("node.id", "n4", "storage", "inmem",
        "voters", "n1,n2,n3", "discovery", "hazelcast")));
    assertThat(later.membership().awaitsDiscovery()).isTrue();
    assertThat(later.membership().startsEmpty()).isTrue();
    assertThat(later.membership().joining()).as("no --join: the leader's autopilot adds it").isFalse();
    assertThat(later.voters()).isEmpty();
    assertThat(later.membership().autopilot())
        .isEqualTo(new MembershipAutopilot.Settings(Defaults.AUTO_PROMOTE, Defaults.TARGET_VOTERS, null));

    NodeConfig founder = NodeConfig.from(Settings.of(Map.of("node.id", "n1", "storage", "inmem",
        "voters", "n1,n2,n3", "discovery", "hazelcast", "membership.auto.promote", "false",
        "membership.target.voters", "5", "membership.auto.remove.after", "2m")));
    assertThat(founder.membership().awaitsDiscovery()).isFalse();
    assertThat(founder.voters()).containsExactlyInAnyOrder("n1", "n2", "n3");
    assertThat(founder.membership().autopilot())
        .isEqualTo(new MembershipAutopilot.Settings(false, 5, Duration.ofMinutes(2)));

    // The static list announces nothing new: no autopilot unless asked, and off the list is an error.
    assertThat(NodeConfig.from(Settings.of(Map.of("storage", "inmem"))).membership().autopilot()).isNull();
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("node.id", "n4", "voters", "n1"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("voters");
  }

  @ParameterizedTest
  @CsvSource({"membership.target.voters,0", "membership.target.voters,100", "membership.target.voters,three",
      "membership.auto.remove.after,5s", "membership.auto.remove.after,soon", "membership.auto.remove.after,31d",
      "membership.auto.remove.after,99999999999999999d", "membership.auto.promote,maybe",
      "membership.autopilot,yes please"})
  void badAutopilotSettingsAreRefusedByName(String key, String value) {
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("voters", "n1,n2,n3", "discovery", "hazelcast",
        key, value))))
        .isInstanceOf(ConfigException.class).hasMessageContaining(key);
  }

  @Test
  void joiningRefusesWhatContradictsIt() {
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("membership.join", "http://127.0.0.1:8080",
        "voters", "n1"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("voters").hasMessageContaining("membership.join");
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("membership.join.promote", "true"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("membership.join.promote")
        .hasMessageContaining("membership.join");
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(Map.of("membership.join", "http://127.0.0.1:8080",
        "peer.listen", "127.0.0.1:0"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("peer.listen").hasMessageContaining("127.0.0.1:0");
  }

  @Test
  void theJoinFlagsAreSettings() {
    NodeCommand command = new NodeCommand();
    picocli.CommandLine.populateCommand(command, "--join", "http://127.0.0.1:8080", "--promote");
    Settings s = command.settings(Map.of());
    assertThat(s.get("membership.join")).contains("http://127.0.0.1:8080");
    assertThat(s.get("membership.join.promote")).contains("true");
    Map<String, String> env = Map.of("BELLWETHER_MEMBERSHIP_JOIN", "http://127.0.0.1:9", "BELLWETHER_MEMBERSHIP_JOIN_TIMEOUT",
        "5s", "BELLWETHER_MEMBERSHIP_PROMOTION_MAX_LAG", "7");
    NodeConfig c = NodeConfig.from(ConfigLoader.load(Map.of(), env, null));
    assertThat(c.membership().join()).extracting(Object::toString).containsExactly("http://127.0.0.1:9");
    assertThat(c.membership().joinTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.membership().promotionMaxLag()).isEqualTo(7);
  }

  @Test
  void theNodeCommandExitsWithCode1WhenItCannotJoin() {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err)).execute("node", "--node-id", "j9",
        "--transport", "inmem", "--storage", "inmem", "--peer-listen", "127.0.0.1:" + TestCluster.freePort(),
        "--http-listen", "127.0.0.1:0", "--join", "http://127.0.0.1:" + TestCluster.freePort(),
        "--set", "membership.join.timeout=1s");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("node j9 could not join the cluster").contains("did not succeed in time");
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
  void theLogCacheBoundsAreSettings() {
    NodeConfig c = NodeConfig.from(Settings.of(Map.of("storage", "inmem", "log.cache.entries", "500",
        "log.cache.bytes", "1048576")));
    assertThat(c.raftConfig().maxCachedEntries()).isEqualTo(500);
    assertThat(c.raftConfig().maxCachedBytes()).isEqualTo(1 << 20);
    NodeConfig defaults = NodeConfig.from(Settings.of(Map.of("storage", "inmem")));
    assertThat(defaults.raftConfig().maxCachedEntries()).isEqualTo(RaftConfig.DEFAULT_MAX_CACHED_ENTRIES);
    assertThat(defaults.raftConfig().maxCachedBytes()).isEqualTo(RaftConfig.DEFAULT_MAX_CACHED_BYTES);
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
