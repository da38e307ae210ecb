package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: every route of HTTP API v1 answers as the node-app README documents, status codes included.
 * Method: a 3-node cluster in this JVM (in-memory transport and storage, static discovery), driven
 * over real HTTP with the JDK client.
 */
class HttpApiTest {

  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(3, Map.of("max.value.bytes", "1024"));
    cluster.awaitLeader();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  static String url(BellwetherNode node, String path) {
    return node.httpUrl() + path;
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  @Test
  void putOnTheLeaderThenGetFromEveryNode() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    HttpResponse<String> put = Http.put(url(leader, "/v1/kv/config/a"), "hello");
    assertThat(put.statusCode()).isEqualTo(200);
    JsonObject body = json(put);
    assertThat(body.getString("key")).isEqualTo("config/a");
    long version = body.getLong("version");
    assertThat(body.getLong("index")).isEqualTo(version);
    assertThat(put.headers().firstValue("ETag")).contains("\"" + version + "\"");

    for (BellwetherNode n : cluster.nodes) {
      HttpResponse<String> get = Http.get(url(n, "/v1/kv/config/a"));
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo("hello");
      assertThat(get.headers().firstValue("ETag")).contains("\"" + version + "\"");
      assertThat(get.headers().firstValue("X-Bellwether-Node")).contains(n.nodeId());
      assertThat(Long.parseLong(get.headers().firstValue("X-Bellwether-Applied-Index").orElseThrow()))
          .isGreaterThanOrEqualTo(version);
    }
  }

  @Test
  void writesSentToAFollowerAreForwardedToTheLeader() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    BellwetherNode follower = cluster.aFollower();
    HttpResponse<String> put = Http.put(url(follower, "/v1/kv/forwarded"), "via follower",
        "Idempotency-Key", "fwd-1");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.headers().firstValue("X-Bellwether-Node")).contains(leader.nodeId());
    assertThat(Http.get(url(follower, "/v1/kv/forwarded")).body()).isEqualTo("via follower");

    long version = json(put).getLong("version");
    HttpResponse<String> delete = Http.delete(url(follower, "/v1/kv/forwarded"), "If-Match", "\"" + version + "\"");
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(json(delete).getBoolean("deleted")).isTrue();
    assertThat(Http.get(url(leader, "/v1/kv/forwarded")).statusCode()).isEqualTo(404);
  }

  @Test
  void aForwardedWriteIsNeverForwardedAgain() throws Exception {
    BellwetherNode follower = cluster.aFollower();
    HttpResponse<String> r = Http.put(url(follower, "/v1/kv/loop"), "x", "X-Bellwether-Forwarded-By", "n9");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).getString("error")).isEqualTo("NOT_LEADER");
    assertThat(r.headers().firstValue("X-Bellwether-Leader")).contains(cluster.awaitLeader().nodeId());
  }

  @Test
  void conditionalWritesCompareVersions() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    String key = url(leader, "/v1/kv/cas");
    HttpResponse<String> created = Http.put(key, "v1", "If-None-Match", "*");
    assertThat(created.statusCode()).isEqualTo(200);
    long v1 = json(created).getLong("version");

    HttpResponse<String> again = Http.put(key, "v1-again", "If-None-Match", "*");
    assertThat(again.statusCode()).isEqualTo(412);
    assertThat(json(again).getString("error")).isEqualTo("VERSION_MISMATCH");
    assertThat(json(again).getLong("currentVersion")).isEqualTo(v1);

    HttpResponse<String> stale = Http.put(key, "v2", "If-Match", "\"" + (v1 + 1000) + "\"");
    assertThat(stale.statusCode()).isEqualTo(412);

    HttpResponse<String> ok = Http.put(key, "v2", "If-Match", "\"" + v1 + "\"");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).getLong("version")).isGreaterThan(v1);

    HttpResponse<String> staleDelete = Http.delete(key, "If-Match", "\"" + v1 + "\"");
    assertThat(staleDelete.statusCode()).isEqualTo(412);
    assertThat(Http.get(key).body()).isEqualTo("v2");
  }

  @Test
  void anIdempotentRetryReturnsTheOriginalAnswerAndAppliesOnce() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    BellwetherNode follower = cluster.aFollower();
    HttpResponse<String> first = Http.put(url(leader, "/v1/kv/idem"), "once", "Idempotency-Key", "req-42");
    HttpResponse<String> retry = Http.put(url(follower, "/v1/kv/idem"), "once", "Idempotency-Key", "req-42");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(json(retry)).isEqualTo(json(first));
    HttpResponse<String> retryDelete1 = Http.delete(url(leader, "/v1/kv/idem"), "Idempotency-Key", "del-42");
    HttpResponse<String> retryDelete2 = Http.delete(url(follower, "/v1/kv/idem"), "Idempotency-Key", "del-42");
    assertThat(json(retryDelete2)).isEqualTo(json(retryDelete1));
    assertThat(json(retryDelete1).getBoolean("deleted")).isTrue();
    HttpResponse<String> retryAfterDelete = Http.put(url(leader, "/v1/kv/idem"), "once", "Idempotency-Key", "req-42");
    assertThat(json(retryAfterDelete)).as("still the original answer; nothing re-applied").isEqualTo(json(first));
    assertThat(Http.get(url(leader, "/v1/kv/idem")).statusCode()).isEqualTo(404);
  }

  @Test
  void staleReadWithMinIndexSeesTheWrite() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    long index = json(Http.put(url(leader, "/v1/kv/ryw"), "mine")).getLong("index");
    for (BellwetherNode n : cluster.nodes) {
      HttpResponse<String> r = Http.get(url(n, "/v1/kv/ryw?consistency=stale&minIndex=" + index));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("mine");
    }
    assertThat(Http.get(url(leader, "/v1/kv/ryw?consistency=linearizable")).body()).isEqualTo("mine");
  }

  @Test
  void keysArePercentDecodedStrictly() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    String encoded = "/v1/kv/dir%2Fsp%20ace+plus/%C3%BC";
    HttpResponse<String> put = Http.put(url(leader, encoded), "odd key");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(json(put).getString("key")).isEqualTo("dir/sp ace+plus/\u00fc");
    HttpResponse<String> scan = Http.get(url(leader, "/v1/kv?prefix=dir%2Fsp"));
    assertThat(json(scan).getJsonArray("entries").getJsonObject(0).getString("key")).isEqualTo("dir/sp ace+plus/\u00fc");
    assertThat(Http.get(url(cluster.aFollower(), encoded)).body()).isEqualTo("odd key");
  }

  @Test
  void getOfAnAbsentKeyIs404WithHeaders() throws Exception {
    HttpResponse<String> r = Http.get(url(cluster.aFollower(), "/v1/kv/never-written"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).getString("error")).isEqualTo("NOT_FOUND");
    assertThat(r.headers().firstValue("X-Bellwether-Applied-Index")).isPresent();
  }

  @Test
  void deleteOfAnAbsentKeySaysNothingWasDeleted() throws Exception {
    HttpResponse<String> r = Http.delete(url(cluster.awaitLeader(), "/v1/kv/nothing-here"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).getBoolean("deleted")).isFalse();
  }

  @Test
  void scanListsKeysWithBase64Values() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    for (String k : new String[] {"scan/a", "scan/b", "scan/c", "scanx"}) {
      assertThat(Http.put(url(leader, "/v1/kv/" + k), "val-" + k).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> r = Http.get(url(cluster.aFollower(), "/v1/kv?prefix=scan/&limit=2"));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray entries = json(r).getJsonArray("entries");
    assertThat(entries.size()).isEqualTo(2);
    assertThat(entries.getJsonObject(0).getString("key")).isEqualTo("scan/a");
    assertThat(new String(Base64.getDecoder().decode(entries.getJsonObject(0).getString("value")), StandardCharsets.UTF_8))
        .isEqualTo("val-scan/a");
    assertThat(entries.getJsonObject(0).getLong("version")).isPositive();
    assertThat(json(r).getBoolean("more")).isTrue();
  }

  @Test
  void clusterDescribesEveryMember() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    JsonObject c = json(Http.get(url(leader, "/v1/cluster")));
    assertThat(c.getString("node")).isEqualTo(leader.nodeId());
    assertThat(c.getString("role")).isEqualTo("leader");
    assertThat(c.getString("leader")).isEqualTo(leader.nodeId());
    assertThat(c.getLong("term")).isPositive();
    assertThat(c.getLong("commitIndex")).isPositive();
    assertThat(c.getLong("appliedIndex")).isPositive();
    assertThat(c.getJsonObject("snapshot").fieldNames()).containsExactlyInAnyOrder("index", "bytes", "sent", "taken", "installed");
    JsonArray members = c.getJsonArray("members");
    Set<String> ids = members.stream().map(m -> ((JsonObject) m).getString("id")).collect(Collectors.toSet());
    assertThat(ids).containsExactlyInAnyOrder("n1", "n2", "n3");
    for (Object o : members) {
      JsonObject m = (JsonObject) o;
      assertThat(m.getString("httpAddress")).isEqualTo(cluster.httpAddresses.get(m.getString("id")));
      assertThat(m.getString("peerAddress")).isNotNull();
      assertThat(m.getString("role")).isEqualTo(m.getString("id").equals(leader.nodeId()) ? "leader" : "follower");
      assertThat(m.getLong("matchIndex")).isNotNull();
      assertThat(m.getLong("lag")).isNotNegative();
    }
    JsonObject onFollower = json(Http.get(url(cluster.aFollower(), "/v1/cluster")));
    assertThat(onFollower.getString("role")).isEqualTo("follower");
    assertThat(onFollower.getString("leader")).isEqualTo(leader.nodeId());
  }

  @Test
  void healthAndReadiness() throws Exception {
    cluster.awaitLeader();
    for (BellwetherNode n : cluster.nodes) {
      assertThat(Http.get(url(n, "/health/live")).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url(n, "/health/ready")).statusCode() == 200);
    }
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    Http.put(url(leader, "/v1/kv/metered"), "m");
    HttpResponse<String> r = Http.get(url(leader, "/metrics"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body())
        .contains("bellwether_raft_term")
        .contains("bellwether_raft_commit_index")
        .contains("bellwether_raft_applied_index")
        .contains("bellwether_raft_role{")
        .contains("bellwether_raft_follower_match_index{")
        .contains("bellwether_raft_leader_changes_total")
        .contains("bellwether_raft_elections_total")
        .contains("bellwether_raft_election_seconds_bucket")
        .contains("bellwether_raft_sync_seconds_bucket")
        .contains("bellwether_raft_snapshot_index")
        .containsPattern("bellwether_raft_sync_entries_count\\{[^}]*\\} [1-9]")
        .contains("bellwether_kv_write_seconds_count{")
        .containsPattern("bellwether_kv_write_seconds_bucket\\{[^}]*op=\"put\"[^}]*\\} [1-9]")
        .containsPattern("bellwether_http_requests_seconds_count\\{.*route=\"kv_put\".*status=\"200\"");
  }

  @Test
  void unknownRoutesAndMethodsAreJsonErrors() throws Exception {
    BellwetherNode n = cluster.nodes.get(0);
    HttpResponse<String> missing = Http.get(url(n, "/v2/nothing"));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).getString("error")).isEqualTo("NOT_FOUND");
    HttpResponse<String> method = Http.send("POST", url(n, "/v1/kv/x"), "x");
    assertThat(method.statusCode()).isIn(404, 405);
    assertThat(json(method).getString("error")).isNotBlank();
  }
}
