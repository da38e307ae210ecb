package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: with the durable assembly (Vert.x transport, MapDB storage), killing the leader with kill -9
 * loses no acknowledged write, and the killed node, restarted on its data directory (with snapshots
 * every 15 entries), catches up and serves reads, a lease and its key included. Method: three {@code bellwether node} processes with static discovery; runs only when
 * the "vertx" and "mapdb" modules are on the classpath.
 */
class FailoverTest {

  @TempDir Path dir;

  @BeforeAll
  static void needsDurableModules() {
    Modules m = Modules.fromClasspath();
    assumeTrue(m.hasTransport("vertx") && m.hasStorage("mapdb"), "needs transport 'vertx' and storage 'mapdb'");
  }

  @Test
  void killingTheLeaderLosesNothingAndTheRestartedNodeCatchesUp() throws Exception {
    NodeProcess.Addresses addresses = NodeProcess.Addresses.free(List.of("a", "b", "c"));
    Map<String, String> http = addresses.http();
    Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    try {
      for (String id : http.keySet()) nodes.put(id, startNode(id, addresses.peers(), "1"));
      String leader = awaitLeader(http, null);

      List<String> acknowledged = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String via = "http://" + http.get(i % 2 == 0 ? leader : other(http, leader));
        HttpResponse<String> r = Http.putEventually(via + "/v1/kv/k" + i, "v" + i);
        if (r.statusCode() == 200) acknowledged.add("k" + i);
      }
      assertThat(acknowledged).hasSize(20);
      // A lease and a key attached to it, which must survive the kill, the snapshots and the restart.
      HttpResponse<String> granted = Http.send("POST", "http://" + http.get(leader) + "/v1/leases", "{\"ttlSeconds\": 600}");
      long lease = new JsonObject(granted.body()).getLong("id");
      assertThat(Http.putEventually("http://" + http.get(leader) + "/v1/kv/leased?lease=" + lease, "x").statusCode())
          .isEqualTo(200);
      for (int i = 20; i < 40; i++) Http.putEventually("http://" + http.get(leader) + "/v1/kv/k" + i, "v" + i);

      nodes.get(leader).process.destroyForcibly().waitFor();
      Map<String, String> survivors = new LinkedHashMap<>(http);
      survivors.remove(leader);
      String newLeader = awaitLeader(survivors, leader);
      for (String url : survivors.values()) {
        for (String k : acknowledged) {
          assertThat(Http.getEventually("http://" + url + "/v1/kv/" + k).body()).isEqualTo("v" + k.substring(1));
        }
      }
      HttpResponse<String> after = Http.putEventually("http://" + http.get(newLeader) + "/v1/kv/after", "failover");
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      long afterIndex = new JsonObject(after.body()).getLong("index");

      nodes.put(leader, startNode(leader, addresses.peers(), "2"));
      String restarted = "http://" + http.get(leader);
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> Http.get(restarted + "/health/ready").statusCode() == 200);
      HttpResponse<String> caughtUp = Http.get(restarted + "/v1/kv/after?consistency=stale&minIndex=" + afterIndex);
      assertThat(caughtUp.body()).isEqualTo("failover");
      assertThat(Http.getEventually(restarted + "/v1/kv/k0?consistency=stale").body()).isEqualTo("v0");
      // The restarted node rebuilt the lease from its snapshot and log: the lease, and the key's tie to it.
      assertThat(Http.get(restarted + "/v1/kv/leased?consistency=stale").headers().firstValue("X-Bellwether-Lease"))
          .hasValue(Long.toString(lease));
      assertThat(new JsonObject(Http.get(restarted + "/v1/leases?consistency=stale").body()).getJsonArray("leases")
          .getJsonObject(0).getLong("id")).isEqualTo(lease);
    } finally {
      nodes.values().forEach(NodeProcess::close);
    }
  }

  private NodeProcess startNode(String id, String peers, String run) throws Exception {
    NodeProcess p = NodeProcess.fromClasspath(dir.resolve(id + "-" + run + ".out"), "node", "--node-id", id,
        "--cluster-id", "failover", "--peers", peers, "--transport", "vertx", "--storage", "mapdb",
        "--data-dir", dir.resolve(id).toString(), "--set", "snapshot.entries=15");
    p.awaitOutput("serving", Duration.ofSeconds(60));
    return p;
  }

  private static String other(Map<String, String> http, String leader) {
    return http.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
  }

  private static String awaitLeader(Map<String, String> http, String notThis) {
    String[] leader = new String[1];
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      String seen = null;
      for (String url : http.values()) {
        String l = new JsonObject(Http.get("http://" + url + "/v1/cluster").body()).getString("leader");
        if (l == null || l.equals(notThis) || (seen != null && !seen.equals(l))) return false;
        seen = l;
      }
      leader[0] = seen;
      return true;
    });
    return leader[0];
  }
}
