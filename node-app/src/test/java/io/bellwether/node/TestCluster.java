package io.bellwether.node;

import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.spi.Settings;
import io.bellwether.node.config.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * A cluster of {@link BellwetherNode}s in this JVM, assembled exactly as {@code bellwether node} does
 * (from settings, modules by name), with in-memory transport and storage and static discovery. Each
 * node's peer address is a free port, so {@code transport=vertx} in the extra settings gives a
 * cluster that talks TCP on loopback.
 */
final class TestCluster implements AutoCloseable {

  final String clusterId = "test-" + UUID.randomUUID().toString().substring(0, 8);
  final List<BellwetherNode> nodes = new ArrayList<>();
  final Map<String, String> httpAddresses = new LinkedHashMap<>();
  final Map<String, String> peerAddresses = new LinkedHashMap<>();

  static TestCluster start(int size, Map<String, String> extra) throws Exception {
    return start(size, extra, (self, other) -> null);
  }

  /**
   * Like {@link #start(int, Map)}, but node {@code self} is told that node {@code other} serves HTTP
   * at {@code httpSeenBy.apply(self, other)} when that is not null (where a follower forwards writes
   * to), instead of at the node's real address.
   */
  static TestCluster start(int size, Map<String, String> extra, BiFunction<String, String, String> httpSeenBy)
      throws Exception {
    return start(size, id -> extra, httpSeenBy);
  }

  /** Like {@link #start(int, Map)}, with extra settings that may differ from node to node. */
  static TestCluster startEach(int size, java.util.function.Function<String, Map<String, String>> extraFor)
      throws Exception {
    return start(size, extraFor, (self, other) -> null);
  }

  private static TestCluster start(int size, java.util.function.Function<String, Map<String, String>> extraFor,
      BiFunction<String, String, String> httpSeenBy) throws Exception {
    TestCluster c = new TestCluster();
    for (int i = 1; i <= size; i++) {
      c.httpAddresses.put("n" + i, "127.0.0.1:" + freePort());
      c.peerAddresses.put("n" + i, "127.0.0.1:" + freePort());
    }
    try {
      for (int i = 1; i <= size; i++) {
        String self = "n" + i;
        List<String> peers = new ArrayList<>();
        for (int j = 1; j <= size; j++) {
          String other = "n" + j;
          String seen = other.equals(self) ? null : httpSeenBy.apply(self, other);
          peers.add(other + "=" + c.peerAddresses.get(other) + "@" + (seen != null ? seen : c.httpAddresses.get(other)));
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put("node.id", self);
        s.put("cluster.id", c.clusterId);
        s.put("transport", "inmem");
        s.put("storage", "inmem");
        s.put("discovery", "static");
        s.put("discovery.static.peers", String.join(",", peers));
        s.put("tick", "25ms"); // elections after 250ms of silence: calm on a busy 2-core machine
        s.put("request.timeout", "3s");
        s.put("shutdown.grace", "0");
        s.putAll(extraFor.apply(self));
        c.nodes.add(BellwetherNode.start(NodeConfig.from(Settings.of(s)), Modules.fromClasspath()));
      }
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  static int freePort() {
    return io.bellwether.node.cli.FreePorts.next();
  }

  /** Waits until one node leads and every node knows it and has applied what it knows committed. */
  BellwetherNode awaitLeader() {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      Optional<BellwetherNode> leader = leaderNow();
      return leader.isPresent() && nodes.stream().allMatch(n ->
          leader.get().nodeId().equals(n.status().leader()) && n.status().appliedIndex() >= n.status().commitIndex());
    });
    return leaderNow().orElseThrow();
  }

  /** The node named {@code id}. */
  BellwetherNode node(String id) {
    return nodes.stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow();
  }

  Optional<BellwetherNode> leaderNow() {
    return nodes.stream().filter(n -> n.status().role() == Role.LEADER).findFirst();
  }

  BellwetherNode aFollower() {
    BellwetherNode leader = awaitLeader();
    return nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    for (BellwetherNode n : nodes) n.close();
  }
}
