package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.spi.Settings;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code kv.state} chooses where the key-value state lives; a node with {@code kv.state=mapdb}
 * keeps it in layer files under {@code <data.dir>/kv} and finds every key after a restart; a data
 * directory written by one kind and opened with the other stops the node with a message saying so
 * (never read as empty); bad values are refused naming the setting. Method: a one-node cluster over
 * the MapDB log store, snapshots every 5 entries, restarted on its data directory.
 */
class KvStateKindTest {

  @TempDir Path dir;

  private BellwetherNode start(String kvState) throws Exception {
    Map<String, String> s = new HashMap<>();
    s.put("node.id", "n1");
    s.put("transport", "inmem");
    s.put("storage", "mapdb");
    s.put("data.dir", dir.toString());
    s.put("discovery", "static");
    s.put("discovery.static.peers", "n1=127.0.0.1:" + TestCluster.freePort() + "@127.0.0.1:" + TestCluster.freePort());
    s.put("snapshot.entries", "5");
    s.put("shutdown.grace", "0");
    s.put("tick", "25ms");
    if (kvState != null) s.put("kv.state", kvState);
    return BellwetherNode.start(NodeConfig.from(Settings.of(s)), Modules.fromClasspath());
  }

  /** Writes 20 keys and waits until a snapshot covers them: the data directory then names its kind. */
  private void writeAndSnapshot(BellwetherNode node) throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(Http.putEventually(node.httpUrl() + "/v1/kv/k" + i, "v" + i).statusCode()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> node.status().snapshotIndex() >= 20);
  }

  @Test
  void theDefaultKeepsTheStateOnDiskAndARestartFindsEveryKey() throws Exception {
    try (BellwetherNode node = start(null)) {
      assertThat(node.config().kvState()).isEqualTo("mapdb");
      writeAndSnapshot(node);
      for (int i = 20; i < 23; i++) Http.putEventually(node.httpUrl() + "/v1/kv/k" + i, "v" + i); // log only
    }
    try (var files = Files.list(dir.resolve("kv"))) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("L[0-9]+\\.sst"));
    }
    try (BellwetherNode node = start("mapdb")) {
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> Http.get(node.httpUrl() + "/health/ready").statusCode() == 200);
      for (int i = 0; i < 23; i++) {
        assertThat(Http.getEventually(node.httpUrl() + "/v1/kv/k" + i).body()).isEqualTo("v" + i);
      }
    }
  }

  @Test
  void aMemoryDataDirectoryOpenedOnDiskIsRefused() throws Exception {
    try (BellwetherNode node = start("memory")) {
      writeAndSnapshot(node);
    }
    assertThatThrownBy(() -> start("mapdb")).isInstanceOf(ConfigException.class).hasMessageContaining("kv.state=mapdb")
        .hasStackTraceContaining("kept in memory")
        .hasStackTraceContaining("open a data directory with the kind of state that wrote it");
    try (BellwetherNode node = start("memory")) { // nothing was lost by the refusal
      assertThat(Http.getEventually(node.httpUrl() + "/v1/kv/k19").body()).isEqualTo("v19");
    }
  }

  @Test
  void anOnDiskDataDirectoryOpenedInMemoryIsRefused() throws Exception {
    try (BellwetherNode node = start("mapdb")) {
      writeAndSnapshot(node);
    }
    assertThatThrownBy(() -> start("memory")).isInstanceOf(ConfigException.class).hasMessageContaining("kv.state=memory")
        .hasStackTraceContaining("keeps its keys in memory")
        .hasStackTraceContaining("on-disk files");
    try (BellwetherNode node = start("mapdb")) {
      assertThat(Http.getEventually(node.httpUrl() + "/v1/kv/k19").body()).isEqualTo("v19");
    }
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    Map<String, String> inmem = Map.of("node.id", "n1", "storage", "inmem", "kv.state", "mapdb");
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(inmem))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kv.state").hasMessageContaining("no data directory");
    Map<String, String> shouting = Map.of("node.id", "n1", "storage", "inmem", "kv.state", "Disk!");
    assertThatThrownBy(() -> NodeConfig.from(Settings.of(shouting))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kv.state");
    assertThatThrownBy(() -> start("rocksdb")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kv.state").hasMessageContaining("available: memory, mapdb");
  }
}
