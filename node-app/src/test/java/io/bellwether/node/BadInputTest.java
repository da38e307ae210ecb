package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: every kind of bad request is refused with its documented status and a JSON error, and none of
 * them changes anything. Method: send them all to a follower and to the leader of a 3-node cluster,
 * then check that the keys and their versions are as before.
 */
class BadInputTest {

  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(3, Map.of("max.value.bytes", "100"));
    cluster.awaitLeader();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void badRequestsAreRefusedAndChangeNothing() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    assertThat(Http.put(leader.httpUrl() + "/v1/kv/sentinel", "s").statusCode()).isEqualTo(200);
    String before = contents(leader);
    for (BellwetherNode n : new BellwetherNode[] {leader, cluster.aFollower()}) {
      String base = n.httpUrl();
      expect(400, Http.put(base + "/v1/kv/k1", "v", "If-Match", "12"), "If-Match");
      expect(400, Http.put(base + "/v1/kv/k1", "v", "If-Match", "\"abc\""), "If-Match");
      expect(400, Http.put(base + "/v1/kv/k1", "v", "If-Match", "\"-1\""), "If-Match");
      expect(400, Http.put(base + "/v1/kv/k1", "v", "If-Match", "W/\"1\""), "If-Match");
      expect(400, Http.put(base + "/v1/kv/k1", "v", "If-Match", "\"1\"", "If-None-Match", "*"), "not both");
      expect(400, Http.put(base + "/v1/kv/k1", "v", "If-None-Match", "\"3\""), "If-None-Match");
      expect(400, Http.delete(base + "/v1/kv/k1", "If-Match", "nope"), "If-Match");
      expect(400, Http.put(base + "/v1/kv/k1", "v", "Idempotency-Key", "x".repeat(200)), "idempotency key");
      expect(400, Http.put(base + "/v1/kv/" + "k".repeat(1025), "v"), "key");
      expect(400, Http.delete(base + "/v1/kv/" + "k".repeat(1025)), "key");
      expect(400, Http.put(base + "/v1/kv/", "v"), "key is empty");
      expect(413, Http.put(base + "/v1/kv/k1", "x".repeat(101)), "limit");
      expect(400, Http.get(base + "/v1/kv/k1?consistency=bogus"), "consistency");
      expect(400, Http.get(base + "/v1/kv/k1?consistency=LEASEE"), "linearizable, lease or stale");
      expect(400, Http.get(base + "/v1/kv/k1?minIndex=-1"), "minIndex");
      expect(400, Http.get(base + "/v1/kv/k1?minIndex=abc"), "minIndex");
      expect(400, Http.get(base + "/v1/kv/" + "k".repeat(1025)), "key");
      expect(400, Http.get(base + "/v1/kv?limit=0"), "limit");
      expect(400, Http.get(base + "/v1/kv?limit=10001"), "limit");
      expect(400, Http.get(base + "/v1/kv?limit=many"), "limit");
      expectRaw(400, n, "PUT /v1/kv/bad%zzkey HTTP/1.1", "v");
      expectRaw(400, n, "PUT /v1/kv/bad%C3%28 HTTP/1.1", "v");
      expectRaw(400, n, "GET /v1/kv/bad%2 HTTP/1.1", null);
    }
    // A leader change may append a no-op entry, so compare what the store holds, not log indexes.
    assertThat(contents(leader)).as("keys and versions").isEqualTo(before);
  }

  @Test
  void aMalformedLeaderTransferIsRefusedAndMovesNothing() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    for (BellwetherNode n : new BellwetherNode[] {leader, cluster.aFollower()}) {
      String url = n.httpUrl() + "/v1/leader/transfer";
      expect(400, Http.send("POST", url, "{\"to\": "), "not valid JSON");
      expect(400, Http.send("POST", url, "to=n2"), "not valid JSON");
      expect(400, Http.send("POST", url, "[\"n2\"]"), "JSON object");
      expect(400, Http.send("POST", url, "\"n2\""), "JSON object");
      expect(400, Http.send("POST", url, "{\"to\": 2}"), "node id");
      expect(400, Http.send("POST", url, "{\"to\": \"\"}"), "node id");
      expect(400, Http.send("POST", url, "{\"to\": [\"n2\"]}"), "node id");
      expect(400, Http.send("POST", url, "{\"target\": \"n2\"}"), "unknown field 'target'");
      expect(413, Http.send("POST", url, "{\"to\": \"" + "n".repeat(2000) + "\"}"), "limit");
      expect(405, Http.get(url), "not allowed");
    }
    assertThat(cluster.awaitLeader()).as("the leader").isSameAs(leader);
    for (BellwetherNode n : cluster.nodes) {
      assertThat(n.registry().find("bellwether.raft.leader.transfers").counters())
          .as("no node was asked for a transfer").allSatisfy(c -> assertThat(c.count()).isZero());
    }
  }

  /** Every key with its version, read linearizably (retrying through an election). */
  private static String contents(BellwetherNode node) {
    String[] body = new String[1];
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      HttpResponse<String> r = Http.get(node.httpUrl() + "/v1/kv?limit=10000");
      body[0] = r.body();
      return r.statusCode() == 200;
    });
    JsonArray entries = new JsonObject(body[0]).getJsonArray("entries");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < entries.size(); i++) {
      out.append(entries.getJsonObject(i).getString("key")).append('@').append(entries.getJsonObject(i).getLong("version")).append('\n');
    }
    return out.toString();
  }

  @Test
  void aValueAtTheLimitIsAccepted() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    assertThat(Http.put(leader.httpUrl() + "/v1/kv/at-limit", "x".repeat(100)).statusCode()).isEqualTo(200);
  }

  private static void expect(int status, HttpResponse<String> r, String messagePart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isNotBlank();
    assertThat(body.getString("message")).containsIgnoringCase(messagePart);
  }

  /** Sends a request line the JDK client would refuse to build (malformed percent-encoding). */
  private static void expectRaw(int status, BellwetherNode n, String requestLine, String body) throws Exception {
    try (Socket s = new Socket(n.httpEndpoint().host(), n.httpEndpoint().port())) {
      s.setSoTimeout(10_000);
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = requestLine + "\r\nHost: " + n.httpEndpoint() + "\r\nContent-Length: " + bytes.length
          + "\r\nConnection: close\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).as(requestLine).startsWith("HTTP/1.1 " + status);
      assertThat(response).contains("\"error\"");
    }
  }
}
