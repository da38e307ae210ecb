package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.spi.Settings;
import io.bellwether.node.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: two clusters both left on the default {@code cluster.id}, with the same node ids, do not
 * accept each other's nodes: a node of cluster B whose configuration points one of its peers at a
 * node of cluster A is refused in A's handshake (a WARN naming both identities), and A's term, log and
 * commit index stay as they were while it goes on taking writes. Method: two 3-node clusters of real
 * nodes in this JVM talking TCP on loopback (Vert.x transport), with the handshake's WARN captured.
 */
class ClusterIdentityHandshakeTest {

  /** The logger of the Vert.x transport's accepted connections, which logs each refusal. */
  static final String INBOUND = "io.bellwether.transport.vertx.InboundConnection";

  static final Map<String, String> DEFAULT_NAME_OVER_TCP = Map.of("transport", "vertx", "cluster.id", "bellwether");

  @Test
  void aNodeOfAnotherClusterOnTheDefaultNameIsRefusedInTheHandshake() throws Exception {
    ListAppender<ILoggingEvent> refusals = ClusterIdentityTest.capture(INBOUND);
    List<BellwetherNode> b = new ArrayList<>();
    try (TestCluster a = TestCluster.start(3, DEFAULT_NAME_OVER_TCP)) {
      BellwetherNode leader = a.awaitLeader();
      assertThat(Http.put(leader.httpUrl() + "/v1/kv/k", "a").statusCode()).isEqualTo(200);
      a.awaitLeader(); // every node has applied it
      String aId = clusterId(leader);
      assertThat(aId).startsWith("bellwether-");
      Map<String, List<Long>> before = statuses(a);

      // Cluster B: the same ids and name on other ports; its n1 was told n2 is at A's n2.
      Map<String, String> peers = new LinkedHashMap<>();
      for (String id : List.of("n1", "n2", "n3")) {
        peers.put(id, id + "=127.0.0.1:" + TestCluster.freePort() + "@127.0.0.1:" + TestCluster.freePort());
      }
      String misled = String.join(",", peers.get("n1"), "n2=" + a.peerAddresses.get("n2") + "@"
          + a.httpAddresses.get("n2"), peers.get("n3"));
      b.add(start("n1", misled));
      b.add(start("n2", String.join(",", peers.values())));
      b.add(start("n3", String.join(",", peers.values())));
      String misledId = clusterId(b.get(0));
      assertThat(misledId).isNotEqualTo(aId);

      String expected = "node 'n1' belongs to cluster '" + misledId + "', not '" + aId + "'";
      await().atMost(Duration.ofSeconds(10)).until(() -> refusals.list.stream()
          .filter(e -> e.getFormattedMessage().contains(expected)).count() >= 2);
      assertThat(statuses(a)).as("A's term, log and commit index are untouched").isEqualTo(before);
      HttpResponse<String> w = Http.put(a.awaitLeader().httpUrl() + "/v1/kv/k", "still-a");
      assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
      assertThat(a.awaitLeader().status().term()).isEqualTo(before.get(leader.nodeId()).get(0));
    } finally {
      for (BellwetherNode n : b) n.close();
      ClusterIdentityTest.release(INBOUND, refusals);
    }
  }

  /** Each node's term, last index and commit index. */
  static Map<String, List<Long>> statuses(TestCluster c) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (BellwetherNode n : c.nodes) {
      NodeStatus s = n.status();
      out.put(n.nodeId(), List.of(s.term(), s.lastIndex(), s.commitIndex()));
    }
    return out;
  }

  static String clusterId(BellwetherNode n) throws Exception {
    return new JsonObject(Http.get(n.httpUrl() + "/v1/cluster").body()).getString("clusterId");
  }

  static BellwetherNode start(String id, String peers) throws Exception {
    Map<String, String> s = new LinkedHashMap<>(DEFAULT_NAME_OVER_TCP);
    s.put("node.id", id);
    s.put("storage", "inmem");
    s.put("discovery.static.peers", peers);
    s.put("tick", "25ms");
    s.put("request.timeout", "3s");
    s.put("shutdown.grace", "0");
    return BellwetherNode.start(NodeConfig.from(Settings.of(s)), Modules.fromClasspath());
  }
}
