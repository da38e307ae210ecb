package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.StorageException;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.membership.ClusterIdentities;
import io.bellwether.node.membership.ClusterIdentity;
import io.bellwether.node.membership.IdentityFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Goal: founders derive the same cluster identity from the same configuration and different ones for
 * clusters that differ in name or (on the default name) in a voter's address; once stored in the data
 * directory the identity wins over the configuration; a data directory of another cluster, or a corrupt
 * identity file, stops the node with a message naming both names or the file; a data directory an
 * older version wrote keeps the name as its identity. Method: {@link ClusterIdentity#derive} and {@link
 * ClusterIdentities#establish} on configurations built from settings, over a temporary directory.
 */
class ClusterIdentityTest {

  @TempDir Path dir;

  static final String PEERS = "n1=127.0.0.1:7001@127.0.0.1:8001,n2=127.0.0.1:7002@127.0.0.1:8002,"
      + "n3=127.0.0.1:7003@127.0.0.1:8003";

  static NodeConfig config(String node, Map<String, String> more) {
    Map<String, String> s = new HashMap<>(Map.of("node.id", node, "discovery.static.peers", PEERS,
        "storage", "inmem"));
    s.putAll(more);
    return NodeConfig.from(Settings.of(s));
  }

  @Test
  void foundersWithTheSameConfigurationDeriveTheSameIdentity() {
    ClusterIdentity n1 = ClusterIdentity.derive(config("n1", Map.of()));
    assertThat(ClusterIdentity.derive(config("n2", Map.of()))).isEqualTo(n1);
    // A founder that binds a wildcard address derives from the list all founders share, not from it.
    assertThat(ClusterIdentity.derive(config("n3", Map.of("peer.listen", "0.0.0.0:7003")))).isEqualTo(n1);
    assertThat(n1.name()).isEqualTo("bellwether");
    assertThat(n1.id()).matches("bellwether-[0-9a-f]{16}");
  }

  @Test
  void anotherAddressOnTheDefaultNameOrAnotherNameIsAnotherCluster() {
    ClusterIdentity a = ClusterIdentity.derive(config("n1", Map.of()));
    ClusterIdentity movedPeer = ClusterIdentity.derive(config("n1",
        Map.of("discovery.static.peers", PEERS.replace("127.0.0.1:7002", "127.0.0.1:7102"))));
    assertThat(movedPeer.id()).isNotEqualTo(a.id());
    ClusterIdentity named = ClusterIdentity.derive(config("n1", Map.of("cluster.id", "orders")));
    assertThat(named.id()).startsWith("orders-").isNotEqualTo(a.id());
    ClusterIdentity fewerVoters = ClusterIdentity.derive(config("n1", Map.of("voters", "n1,n2")));
    assertThat(fewerVoters.id()).isNotEqualTo(a.id());
    // A chosen name is the token: founders that reach each other at other addresses still agree.
    ClusterIdentity namedElsewhere = ClusterIdentity.derive(config("n1", Map.of("cluster.id", "orders",
        "discovery.static.peers", PEERS.replace("127.0.0.1:7002", "10.0.0.2:7002"))));
    assertThat(namedElsewhere).isEqualTo(named);
  }

  @Test
  void aNodeWaitingForDiscoveryDerivesWhatTheFoundersDoAndTheDefaultNameIsWarnedAbout() throws Exception {
    Map<String, String> hz = Map.of("discovery", "hazelcast", "voters", "n1,n2,n3", "discovery.static.peers", "");
    NodeConfig later = config("n4", hz);
    assertThat(later.membership().awaitsDiscovery()).isTrue();
    ListAppender<ILoggingEvent> logged = capture(ClusterIdentities.class);
    try {
      ClusterIdentity founder = establish(config("n1", hz), false);
      assertThat(ClusterIdentity.derive(later)).isEqualTo(founder);
      assertThat(logged.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("default").contains("unique cluster.id");
      });
    } finally {
      release(ClusterIdentities.class, logged);
    }
  }

  @Test
  void theFirstStartStoresTheIdentityAndLaterStartsUseItWhateverTheConfigurationSays() throws Exception {
    Map<String, String> durable = Map.of("storage", "mapdb", "data.dir", dir.toString());
    ClusterIdentity first = establish(config("n1", durable), false);
    assertThat(IdentityFile.path(dir)).exists();
    assertThat(IdentityFile.read(dir)).contains(first);

    Map<String, String> changed = new HashMap<>(durable);
    changed.put("discovery.static.peers", PEERS.replace("127.0.0.1:7002", "127.0.0.1:7102"));
    assertThat(ClusterIdentity.derive(config("n1", changed))).isNotEqualTo(first);
    assertThat(establish(config("n1", changed), true)).as("the stored identity wins").isEqualTo(first);
  }

  @Test
  void aDataDirectoryOfAnotherClusterNameIsRefusedNamingBoth() throws Exception {
    establish(config("n1", Map.of("storage", "mapdb", "data.dir", dir.toString())), false);
    NodeConfig other = config("n1", Map.of("storage", "mapdb", "data.dir", dir.toString(), "cluster.id", "orders"));
    assertThatThrownBy(() -> establish(other, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'orders'").hasMessageContaining("'bellwether'")
        .hasMessageContaining(dir.toAbsolutePath().toString()).hasMessageContaining("cluster.id");
  }

  @Test
  void aCorruptIdentityFileStopsTheNodeNamingTheFile() throws Exception {
    NodeConfig c = config("n1", Map.of("storage", "mapdb", "data.dir", dir.toString()));
    for (String corrupt : List.of("cluster.name=bellwether\n", "cluster.name=bell wether\ncluster.id=x\n",
        "cluster.name=bellwether\ncluster.id=\n")) {
      Files.writeString(IdentityFile.path(dir), corrupt);
      assertThatThrownBy(() -> establish(c, true)).as(corrupt).isInstanceOf(StorageException.class)
          .hasMessageContaining(IdentityFile.path(dir).toString()).hasMessageContaining("corrupt");
    }
  }

  @Test
  void aDataDirectoryWithDataButNoIdentityKeepsTheNameAsItsIdentity() throws Exception {
    // What an older version's handshake carried: upgraded and old nodes must keep talking.
    NodeConfig c = config("n2", Map.of("storage", "mapdb", "data.dir", dir.toString()));
    ListAppender<ILoggingEvent> logged = capture(ClusterIdentities.class);
    try {
      assertThat(establish(c, true)).isEqualTo(new ClusterIdentity("bellwether", "bellwether"));
      assertThat(IdentityFile.read(dir)).contains(ClusterIdentity.legacy("bellwether"));
      assertThat(establish(c, true)).as("stored: the next start reads it").isEqualTo(ClusterIdentity.legacy("bellwether"));
      assertThat(logged.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("older version", "unique");
      });
    } finally {
      release(ClusterIdentities.class, logged);
    }
    NodeConfig joiner = config("n3", Map.of("storage", "mapdb", "data.dir", dir.resolve("j").toString(),
        "membership.join", "http://127.0.0.1:9"));
    assertThat(establish(joiner, true)).as("an old joined node needs no cluster to answer")
        .isEqualTo(ClusterIdentity.legacy("bellwether"));
  }

  @Test
  void inMemoryStorageStoresNothingEvenWithADataDirectory() throws Exception {
    NodeConfig c = config("n1", Map.of("storage", "inmem", "data.dir", dir.toString()));
    assertThat(establish(c, false)).isEqualTo(ClusterIdentity.derive(c));
    assertThat(IdentityFile.path(dir)).doesNotExist();
  }

  static ClusterIdentity establish(NodeConfig c, boolean storeHoldsData) throws Exception {
    return ClusterIdentities.establish(c, storeHoldsData);
  }

  /** Captures what {@code type} logs, at INFO and above, until {@link #release}. */
  static ListAppender<ILoggingEvent> capture(Class<?> type) {
    return capture(type.getName());
  }

  /** Captures what the logger {@code name} logs, at INFO and above, until {@link #release}. */
  static ListAppender<ILoggingEvent> capture(String name) {
    Logger logger = (Logger) LoggerFactory.getLogger(name);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    return appender;
  }

  static void release(Class<?> type, ListAppender<ILoggingEvent> appender) {
    release(type.getName(), appender);
  }

  static void release(String name, ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger(name);
    logger.detachAppender(appender);
    logger.setLevel(null);
  }
}
