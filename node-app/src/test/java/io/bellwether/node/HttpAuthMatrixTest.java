package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: with {@code auth.tokens.file}, every route answers every kind of caller (no token, an unknown
 * token, a read, write and admin token) with the status the node-app README documents: 401 {@code
 * UNAUTHENTICATED} with {@code WWW-Authenticate: Bearer}, 403 {@code FORBIDDEN}, or the route's own
 * answer; and a refused request changes nothing (the key is not written or deleted, the
 * configuration and the leader stay). Method: a 3-node cluster in this JVM over real HTTP; every
 * request goes to the leader, one credential after the other, the admin last (its leadership
 * transfer is the last request of all).
 */
class HttpAuthMatrixTest {

  @TempDir static Path dir;
  static Credentials creds;
  static TestCluster cluster;
  static BellwetherNode leader;
  static String follower;
  static long seededLease;
  static final java.util.Map<String, Long> toRevoke = new java.util.HashMap<>();

  /** A caller: its name in messages and the token it sends (null: none). */
  record Cred(String name, String token, int rank) {}

  /** One route: how to call it as {@code c}, the role it needs (0 open, 1 read, 2 write, 3 admin), its success status. */
  record RouteCase(String name, int needs, int okStatus, Call call, Check unchanged) {}

  interface Call {
    HttpResponse<String> send(Cred c) throws Exception;
  }

  interface Check {
    void assertUnchanged(Cred c) throws Exception;
  }

  @BeforeAll
  static void start() throws Exception {
    creds = Credentials.in(dir);
    cluster = TestCluster.start(3, creds.tokens());
    leader = cluster.awaitLeader();
    follower = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow().nodeId();
    // What the matrix reads, deletes or promotes.
    assertThat(send("PUT", "/v1/kv/seed", "s", creds.admin).statusCode()).isEqualTo(200);
    for (String c : List.of("none", "bad", "read", "write", "admin")) {
      assertThat(send("PUT", "/v1/kv/del/" + c, "d", creds.admin).statusCode()).isEqualTo(200);
    }
    assertThat(send("POST", "/v1/members", member("keep", 1).encode(), creds.admin).statusCode()).isEqualTo(200);
    HttpResponse<String> lease = send("POST", "/v1/leases", "{\"ttlSeconds\": 600}", creds.admin);
    assertThat(lease.statusCode()).as(lease.body()).isEqualTo(200);
    seededLease = new JsonObject(lease.body()).getLong("id");
    for (String c : List.of("none", "bad", "read", "write", "admin")) {
      toRevoke.put(c, new JsonObject(send("POST", "/v1/leases", "{\"ttlSeconds\": 600}", creds.admin).body()).getLong("id"));
    }
  }

  static int leaseCount() throws Exception {
    return new JsonObject(send("GET", "/v1/leases", null, creds.admin).body()).getJsonArray("leases").size();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  static JsonObject member(String id, int port) {
    return new JsonObject().put("id", id).put("peerAddress", "127.0.0.1:" + port).put("httpAddress", "127.0.0.1:" + (port + 1));
  }

  static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    return token == null ? Http.send(method, leader.httpUrl() + path, body)
        : Http.send(method, leader.httpUrl() + path, body, "Authorization", "Bearer " + token);
  }

  static JsonObject clusterView() throws Exception {
    return new JsonObject(send("GET", "/v1/cluster", null, creds.admin).body());
  }

  static void keyState(String key, int status) throws Exception {
    assertThat(send("GET", "/v1/kv/" + key, null, creds.admin).statusCode()).as(key).isEqualTo(status);
  }

  static void configurationUnchanged(long before) throws Exception {
    assertThat(clusterView().getLong("configIndex")).isEqualTo(before);
  }

  @Test
  void everyRouteAnswersEveryCallerAsDocumented() throws Exception {
    List<Cred> callers = List.of(new Cred("none", null, 0), new Cred("bad", "bw_not-a-token-this-node-knows", 0),
        new Cred("read", creds.reader, 1), new Cred("write", creds.writer, 2), new Cred("admin", creds.admin, 3));
    long[] config = new long[1];
    int[] leases = new int[1];
    List<RouteCase> routes = List.of(
        // A bad fromIndex: a caller the gate lets through gets the route's 400, not an endless stream.
        new RouteCase("watch", 1, 400, c -> send("GET", "/v1/watch?fromIndex=0", null, c.token()), c -> {}),
        // Likewise for the event stream: a bad position is the route's 400.
        new RouteCase("events", 1, 400, c -> send("GET", "/v1/events?since=x", null, c.token()), c -> {}),
        new RouteCase("lease_grant", 2, 200, c -> send("POST", "/v1/leases", "{\"ttlSeconds\": 600}", c.token()),
            c -> assertThat(leaseCount()).isEqualTo(leases[0])),
        new RouteCase("lease_list", 1, 200, c -> send("GET", "/v1/leases", null, c.token()), c -> {}),
        new RouteCase("lease_get", 1, 200, c -> send("GET", "/v1/leases/" + seededLease, null, c.token()), c -> {}),
        new RouteCase("lease_keepalive", 2, 200,
            c -> send("POST", "/v1/leases/" + seededLease + "/keepalive", null, c.token()), c -> {}),
        new RouteCase("lease_revoke", 2, 200, c -> send("DELETE", "/v1/leases/" + toRevoke.get(c.name()), null, c.token()),
            c -> assertThat(send("GET", "/v1/leases/" + toRevoke.get(c.name()), null, creds.admin).statusCode())
                .isEqualTo(200)),
        new RouteCase("kv_put", 2, 200, c -> send("PUT", "/v1/kv/m/" + c.name(), "v", c.token()),
            c -> keyState("m/" + c.name(), 404)),
        new RouteCase("kv_get", 1, 200, c -> send("GET", "/v1/kv/seed", null, c.token()), c -> {}),
        new RouteCase("kv_scan", 1, 200, c -> send("GET", "/v1/kv?prefix=seed", null, c.token()), c -> {}),
        new RouteCase("kv_delete", 2, 200, c -> send("DELETE", "/v1/kv/del/" + c.name(), null, c.token()),
            c -> keyState("del/" + c.name(), 200)),
        new RouteCase("cluster", 1, 200, c -> send("GET", "/v1/cluster", null, c.token()), c -> {}),
        new RouteCase("state_hash", 3, 200, c -> send("GET", "/v1/state/hash", null, c.token()), c -> {}),
        new RouteCase("member_add", 3, 200, c -> send("POST", "/v1/members", member("spare", 3).encode(), c.token()),
            c -> configurationUnchanged(config[0])),
        // "keep" never runs, so it can never be caught up: an admin gets the route's own refusal.
        new RouteCase("member_promote", 3, 409, c -> send("POST", "/v1/members/keep/promote", null, c.token()),
            c -> configurationUnchanged(config[0])),
        new RouteCase("member_remove", 3, 200, c -> send("DELETE", "/v1/members/keep", null, c.token()),
            c -> configurationUnchanged(config[0])),
        new RouteCase("metrics", 1, 200, c -> send("GET", "/metrics", null, c.token()), c -> {}),
        new RouteCase("health_live", 0, 200, c -> send("GET", "/health/live", null, c.token()), c -> {}),
        new RouteCase("health_ready", 0, 200, c -> send("GET", "/health/ready", null, c.token()), c -> {}),
        // The dashboard's page and scripts hold no data: open, like the health checks.
        new RouteCase("ui", 0, 200, c -> send("GET", "/ui", null, c.token()), c -> {}),
        new RouteCase("ui", 0, 200, c -> send("GET", "/ui/app.js", null, c.token()), c -> {}),
        new RouteCase("leader_transfer", 3, 200,
            c -> send("POST", "/v1/leader/transfer", new JsonObject().put("to", follower).encode(), c.token()),
            c -> assertThat(leader.status().leader()).isEqualTo(leader.nodeId())));
    List<String> table = new ArrayList<>();
    for (Cred c : callers) {
      for (RouteCase r : routes) {
        config[0] = clusterView().getLong("configIndex");
        leases[0] = leaseCount();
        HttpResponse<String> answer = r.call().send(c);
        int expected = r.needs() == 0 ? r.okStatus()
            : c.token() == null || c.rank() == 0 ? 401
            : c.rank() < r.needs() ? 403 : r.okStatus();
        table.add(r.name() + " x " + c.name() + " -> " + answer.statusCode());
        assertThat(answer.statusCode()).as(r.name() + " as " + c.name() + ": " + answer.body()).isEqualTo(expected);
        if (expected == 401) {
          assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo("UNAUTHENTICATED");
          assertThat(answer.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        }
        if (expected == 403) {
          assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo("FORBIDDEN");
          assertThat(answer.body()).doesNotContain(c.token());
        }
        if (expected == 401 || expected == 403) r.unchanged().assertUnchanged(c);
      }
    }
    System.out.println("route matrix (" + table.size() + " requests): " + table);
    await().atMost(Duration.ofSeconds(10)).until(() -> follower.equals(leader.status().leader()));
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405WithoutAToken() throws Exception {
    assertThat(send("GET", "/v1/nothing-here", null, null).statusCode()).isEqualTo(404);
    assertThat(send("POST", "/v1/kv/k", "x", null).statusCode()).isEqualTo(405);
  }

  @Test
  void anAuthorizationHeaderOfAnotherSchemeIs401() throws Exception {
    HttpResponse<String> r = Http.send("GET", leader.httpUrl() + "/v1/kv/seed", null, "Authorization", "Basic " + creds.reader);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("not 'Bearer <token>'").doesNotContain(creds.reader);
  }
}
