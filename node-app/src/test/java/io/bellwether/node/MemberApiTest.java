package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.spi.Settings;
import io.bellwether.node.cli.ClientCommands;
import io.bellwether.node.config.NodeConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the membership routes answer as the node-app README says: {@code POST /v1/members} adds a
 * learner (200 with the configuration; the same again a no-op 200; another node under the id 409
 * {@code CONFLICT}), {@code POST /v1/members/{id}/promote} refuses a learner that is behind (409
 * {@code NOT_CAUGHT_UP} with its {@code lag}), {@code DELETE /v1/members/{id}} removes a member (404
 * for a non-member, 409 {@code LAST_VOTER} for the last voter; the leader hands over first), from
 * any node (forwarded, the loop guard kept), 409 {@code CHANGE_IN_PROGRESS} while a change is in
 * flight, 503 without a leader, and {@code GET /v1/cluster} shows voters, learners and the
 * configuration index. Method: clusters in this JVM (in-memory transport and storage) over real
 * HTTP; learners that are never started (their addresses are only text) where the test needs one
 * that never catches up. Joining with real nodes is {@code JoinClusterTest}'s.
 */
class MemberApiTest {

  static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start(3, Map.of());
    cluster.awaitLeader();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  static HttpResponse<String> add(BellwetherNode via, String id, String peer, String http) throws Exception {
    return Http.send("POST", via.httpUrl() + "/v1/members",
        new JsonObject().put("id", id).put("peerAddress", peer).put("httpAddress", http).encode());
  }

  static HttpResponse<String> promote(BellwetherNode via, String id) throws Exception {
    return Http.send("POST", via.httpUrl() + "/v1/members/" + id + "/promote", null);
  }

  static HttpResponse<String> remove(BellwetherNode via, String id, String... headers) throws Exception {
    return Http.delete(via.httpUrl() + "/v1/members/" + id, headers);
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static JsonObject cluster(BellwetherNode via) throws Exception {
    return json(Http.get(via.httpUrl() + "/v1/cluster"));
  }

  static JsonObject member(JsonObject configuration, String id) {
    JsonArray members = configuration.getJsonArray("members");
    for (int i = 0; i < members.size(); i++) {
      if (members.getJsonObject(i).getString("id").equals(id)) return members.getJsonObject(i);
    }
    return null;
  }

  static void expectError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(json(r).getString("error")).as(r.body()).isEqualTo(code);
  }

  @Test
  void aLearnerIsAddedOnceAndEveryNodeShowsIt() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    long before = cluster(leader).getLong("configIndex");

    HttpResponse<String> r = add(leader, "n7", "127.0.0.1:7107", "127.0.0.1:8107");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject answer = json(r);
    assertThat(answer.getLong("configIndex")).isGreaterThan(before);
    assertThat(answer.getString("leader")).isEqualTo(leader.nodeId());
    assertThat(member(answer, "n7").getMap()).containsEntry("voter", false)
        .containsEntry("peerAddress", "127.0.0.1:7107").containsEntry("httpAddress", "127.0.0.1:8107");
    assertThat(member(answer, leader.nodeId()).getBoolean("voter")).isTrue();
    for (BellwetherNode n : cluster.nodes) {
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster(n).getLong("configIndex") >= answer.getLong("configIndex"));
      JsonObject seen = cluster(n);
      assertThat(seen.getBoolean("changePending")).as("committed once answered, applied everywhere soon").isFalse();
      assertThat(member(seen, "n7").getMap()).as(n.nodeId()).containsEntry("voter", false)
          .containsEntry("role", "learner").containsEntry("peerAddress", "127.0.0.1:7107")
          .containsEntry("httpAddress", "127.0.0.1:8107");
      assertThat(member(seen, n.nodeId()).getBoolean("voter")).isTrue();
    }

    // The same request again changes nothing, on the leader or through a follower.
    for (BellwetherNode via : List.of(leader, cluster.aFollower())) {
      HttpResponse<String> again = add(via, "n7", "127.0.0.1:7107", "127.0.0.1:8107");
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      assertThat(json(again).getLong("configIndex")).isEqualTo(answer.getLong("configIndex"));
    }
    // Another node under the same id is refused, also when forwarded (409 is relayed as the leader's).
    for (BellwetherNode via : List.of(leader, cluster.aFollower())) {
      HttpResponse<String> other = add(via, "n7", "127.0.0.1:7999", "127.0.0.1:8107");
      expectError(other, 409, "CONFLICT");
      assertThat(json(other).getString("message")).contains("n7").contains("127.0.0.1:7107");
    }
    assertThat(cluster(leader).getLong("configIndex")).isEqualTo(answer.getLong("configIndex"));
  }

  @Test
  void aFollowerForwardsChangesToTheLeader() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    BellwetherNode follower = cluster.aFollower();

    HttpResponse<String> added = add(follower, "n6", "127.0.0.1:7106", "127.0.0.1:8106");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
    assertThat(json(added).getString("leader")).as("the leader carried it out").isEqualTo(leader.nodeId());

    HttpResponse<String> removed = remove(follower, "n6");
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    assertThat(member(json(removed), "n6")).isNull();
    assertThat(json(removed).getString("leader")).isEqualTo(leader.nodeId());

    // The loop guard: a request that was forwarded once is never forwarded again.
    HttpResponse<String> looped = Http.send("POST", follower.httpUrl() + "/v1/members",
        "{\"id\":\"n5\",\"peerAddress\":\"127.0.0.1:7105\",\"httpAddress\":\"127.0.0.1:8105\"}",
        "X-Bellwether-Forwarded-By", "n9");
    expectError(looped, 503, "NOT_LEADER");
    assertThat(looped.headers().firstValue("X-Bellwether-Leader")).contains(leader.nodeId());
    assertThat(member(cluster(leader), "n5")).isNull();
  }

  @Test
  void badRequestsAreRefusedAndChangeNothing() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    await().atMost(Duration.ofSeconds(10)).until(() -> !leader.status().membershipChangePending());
    long index = cluster(leader).getLong("configIndex");
    String good = "\"id\":\"n5\",\"peerAddress\":\"127.0.0.1:7105\",\"httpAddress\":\"127.0.0.1:8105\"";
    for (BellwetherNode n : List.of(leader, cluster.aFollower())) {
      String members = n.httpUrl() + "/v1/members";
      expectBad(Http.send("POST", members, null), "empty");
      expectBad(Http.send("POST", members, "{\"id\": \"n5\""), "not valid JSON");
      expectBad(Http.send("POST", members, "[\"n5\"]"), "JSON object");
      expectBad(Http.send("POST", members, "{" + good + ",\"voter\":true}"), "unknown field 'voter'");
      expectBad(Http.send("POST", members, "{\"peerAddress\":\"127.0.0.1:7105\",\"httpAddress\":\"127.0.0.1:8105\"}"),
          "\"id\" is missing");
      expectBad(Http.send("POST", members, "{\"id\":\"n5\",\"httpAddress\":\"127.0.0.1:8105\"}"),
          "\"peerAddress\" is missing");
      expectBad(Http.send("POST", members, "{\"id\":\"n5\",\"peerAddress\":\"127.0.0.1:7105\"}"),
          "\"httpAddress\" is missing");
      expectBad(Http.send("POST", members, "{\"id\":5,\"peerAddress\":\"127.0.0.1:7105\",\"httpAddress\":\"127.0.0.1:8105\"}"),
          "non-empty string");
      expectBad(Http.send("POST", members, "{\"id\":\"n 5\",\"peerAddress\":\"127.0.0.1:7105\",\"httpAddress\":\"127.0.0.1:8105\"}"),
          "node id");
      for (String address : List.of("127.0.0.1", "127.0.0.1:", ":7105", "127.0.0.1:0", "127.0.0.1:70000",
          "127.0.0.1:http", "bad host:7105")) {
        expectBad(add(n, "n5", address, "127.0.0.1:8105"), "peerAddress");
        expectBad(add(n, "n5", "127.0.0.1:7105", address), "httpAddress");
      }
      HttpResponse<String> large = Http.send("POST", members, "{" + good + ",\"pad\":\"" + "x".repeat(3000) + "\"}");
      expectError(large, 413, "TOO_LARGE");
      expectBad(Http.send("POST", n.httpUrl() + "/v1/members/n1/promote", "{\"voter\":true}"), "no body");
      expectBad(Http.send("POST", n.httpUrl() + "/v1/members/n%201/promote", null), "member id");
      expectBad(Http.delete(n.httpUrl() + "/v1/members/n%0A1"), "member id");
      expectError(Http.get(members), 405, "METHOD_NOT_ALLOWED");
      expectError(Http.send("PUT", n.httpUrl() + "/v1/members/n1", "{}"), 405, "METHOD_NOT_ALLOWED");
    }
    assertThat(cluster(leader).getLong("configIndex")).as("nothing changed").isEqualTo(index);
    assertThat(member(cluster(leader), "n5")).isNull();
  }

  static void expectBad(HttpResponse<String> r, String says) {
    expectError(r, 400, "INVALID_REQUEST");
    assertThat(json(r).getString("message")).contains(says);
  }

  @Test
  void aLearnerThatIsBehindIsNotPromoted() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    assertThat(add(leader, "n8", "127.0.0.1:7108", "127.0.0.1:8108").statusCode()).isEqualTo(200);
    long index = cluster(leader).getLong("configIndex");

    for (BellwetherNode via : List.of(leader, cluster.aFollower())) {
      HttpResponse<String> r = promote(via, "n8"); // never started: it holds nothing the leader knows of
      expectError(r, 409, "NOT_CAUGHT_UP");
      assertThat(json(r).getLong("lag")).as(r.body()).isPositive();
      assertThat(json(r).getString("message")).contains("n8");
    }
    expectError(promote(leader, "n42"), 404, "NOT_A_MEMBER");
    assertThat(cluster(leader).getLong("configIndex")).isEqualTo(index);
    assertThat(member(cluster(leader), "n8").getBoolean("voter")).isFalse();

    // Promoting a voter is already so: 200, nothing appended.
    HttpResponse<String> voter = promote(cluster.aFollower(), leader.nodeId());
    assertThat(voter.statusCode()).as(voter.body()).isEqualTo(200);
    assertThat(json(voter).getLong("configIndex")).isEqualTo(index);

    HttpResponse<String> removed = remove(leader, "n8");
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    expectError(remove(leader, "n8"), 404, "NOT_A_MEMBER");
    expectError(remove(cluster.aFollower(), "n8"), 404, "NOT_A_MEMBER");
  }

  @Test
  void theClusterRouteShowsTheConfigurationAndTheMetricsCountIt() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    JsonObject c = cluster(leader);
    assertThat(c.getLong("configIndex")).isNotNegative();
    assertThat(c.getBoolean("changePending")).isFalse();
    assertThat(c.getString("role")).isEqualTo("leader");
    for (BellwetherNode n : cluster.nodes) assertThat(member(c, n.nodeId()).getBoolean("voter")).isTrue();

    String scrape = Http.get(leader.httpUrl() + "/metrics").body();
    assertThat(scrape).containsPattern("(?m)^bellwether_raft_voters\\{[^}]*} 3\\.0$");
    assertThat(scrape).containsPattern("(?m)^bellwether_raft_learners\\{[^}]*} \\d+\\.0$");
    assertThat(scrape).containsPattern("(?m)^bellwether_raft_config_index\\{[^}]*} \\d+\\.0$");
    assertThat(scrape).containsPattern("(?m)^bellwether_raft_role\\{[^}]*role=\"learner\"[^}]*} 0\\.0$");
    assertThat(scrape).containsPattern("(?m)^bellwether_raft_role\\{[^}]*role=\"leader\"[^}]*} 1\\.0$");
  }

  @Test
  void theCliListsAddsPromotesAndRemovesWithTheDocumentedExitCodes() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    String url = cluster.aFollower().httpUrl();

    CliTest.Run added = CliTest.run("member", "add", "n4", "--peer", "127.0.0.1:7104", "--http", "127.0.0.1:8104",
        "--url", url);
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).startsWith("OK n4 is a member (configuration ").endsWith(", leader " + leader.nodeId() + ")\n");
    CliTest.Run again = CliTest.run("member", "add", "n4", "--peer", "127.0.0.1:7104", "--http", "127.0.0.1:8104",
        "--url", url);
    assertThat(again.code()).as("the same again is a no-op: " + again.err()).isZero();
    CliTest.Run conflict = CliTest.run("member", "add", "n4", "--peer", "127.0.0.1:7999", "--http", "127.0.0.1:8104",
        "--url", url);
    assertThat(conflict.code()).isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(conflict.err()).contains("CONFLICT").contains("HTTP 409");

    CliTest.Run list = CliTest.run("member", "list", "--url", url);
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern("configuration \\d+, as node n\\d sees it \\(leader " + leader.nodeId() + "\\)");
    assertThat(list.out()).containsPattern("(?m)^n4 +no +learner +127\\.0\\.0\\.1:7104 +127\\.0\\.0\\.1:8104");
    assertThat(list.out()).containsPattern("(?m)^" + leader.nodeId() + " +yes +leader ");
    CliTest.Run raw = CliTest.run("member", "list", "--json", "--url", url);
    assertThat(new JsonObject(raw.out()).getJsonArray("members")).isNotEmpty();

    CliTest.Run behind = CliTest.run("member", "promote", "n4", "--url", url);
    assertThat(behind.code()).as("certainly not changed").isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(behind.err()).contains("NOT_CAUGHT_UP").contains("HTTP 409");

    CliTest.Run removed = CliTest.run("member", "remove", "n4", "--url", url);
    assertThat(removed.code()).as(removed.err()).isZero();
    assertThat(removed.out()).startsWith("OK n4 is removed (configuration ");
    CliTest.Run absent = CliTest.run("member", "remove", "n4", "--url", url);
    assertThat(absent.code()).isEqualTo(ClientCommands.EXIT_NOT_FOUND);
    assertThat(absent.err()).contains("NOT_A_MEMBER");

    CliTest.Run usage = CliTest.run("member", "add", "n4", "--url", url);
    assertThat(usage.code()).as("--peer and --http are required").isEqualTo(2);
    CliTest.Run nobody = CliTest.run("member", "list", "--url", "http://127.0.0.1:" + TestCluster.freePort());
    assertThat(nobody.code()).isEqualTo(ClientCommands.EXIT_FAILED);
  }

  @Test
  void theLeaderRemovedHandsOverFirstAndTheLastVoterStays() throws Exception {
    try (TestCluster c = TestCluster.start(3, Map.of())) {
      BellwetherNode first = c.awaitLeader();
      long term = first.status().term();
      BellwetherNode via = c.nodes.stream().filter(n -> n != first).findFirst().orElseThrow();

      // Through a follower: forwarded to the leader, which hands over, then forwards it once more.
      HttpResponse<String> r = remove(via, first.nodeId());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String second = json(r).getString("leader");
      assertThat(second).isNotEqualTo(first.nodeId());
      assertThat(member(json(r), first.nodeId())).isNull();
      assertThat(json(r).getJsonArray("members")).hasSize(2);
      BellwetherNode next = c.node(second);
      assertThat(next.status().role()).isEqualTo(Role.LEADER);
      assertThat(next.status().term()).as("one hand-over, no election after a timeout").isEqualTo(term + 1);
      assertThat(LeaderTransferApiTest.transfers(first, "moved")).isEqualTo(1);
      first.close(); // a removed node is stopped

      // On the leader itself, no forwarding first.
      HttpResponse<String> again = remove(next, second);
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      String third = json(again).getString("leader");
      assertThat(third).isNotIn(first.nodeId(), second);
      assertThat(json(again).getJsonArray("members")).hasSize(1);
      next.close();

      BellwetherNode last = c.node(third);
      expectError(remove(last, third), 409, "LAST_VOTER");
      assertThat(last.status().role()).isEqualTo(Role.LEADER);
      HttpResponse<String> write = Http.put(last.httpUrl() + "/v1/kv/after-removals", "x");
      assertThat(write.statusCode()).as("a cluster of one commits alone: " + write.body()).isEqualTo(200);
    }
  }

  @Test
  void aChangeInFlightRefusesTheNext() throws Exception {
    // Elections after 1 s of silence: the leader left without its followers leads on (check-quorum
    // deposes it an election timeout after its last acknowledgement) while it is asked.
    try (TestCluster c = TestCluster.start(3, Map.of("election.timeout.ticks", "40", "request.timeout", "1s",
        "shutdown.transfer.leadership", "false"))) {
      BellwetherNode leader = c.awaitLeader();
      for (BellwetherNode n : c.nodes) if (n != leader) n.close();
      CompletableFuture<HttpResponse<String>> stuck = Http.CLIENT.sendAsync(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(leader.httpUrl() + "/v1/members"))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                  "{\"id\":\"n8\",\"peerAddress\":\"127.0.0.1:7108\",\"httpAddress\":\"127.0.0.1:8108\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(2)).until(() -> leader.status().membershipChangePending());

      expectError(add(leader, "n9", "127.0.0.1:7109", "127.0.0.1:8109"), 409, "CHANGE_IN_PROGRESS");
      expectError(remove(leader, leader.nodeId()), 409, "CHANGE_IN_PROGRESS"); // no hand-over is tried
      JsonObject seen = cluster(leader);
      assertThat(seen.getBoolean("changePending")).isTrue();
      assertThat(member(seen, "n8").getBoolean("voter")).as("in effect once appended").isFalse();
      HttpResponse<String> first = stuck.get();
      assertThat(first.statusCode()).as("never committed, but it may still be: " + first.body()).isEqualTo(504);
    }
  }

  @Test
  void withNoLeaderKnownItIs503() throws Exception {
    int httpPort = TestCluster.freePort();
    Map<String, String> s = Map.of("node.id", "n1", "transport", "inmem", "storage", "inmem",
        "discovery.static.peers", "n1=127.0.0.1:" + TestCluster.freePort() + "@127.0.0.1:" + httpPort
            + ",n2=127.0.0.1:" + TestCluster.freePort() + "@127.0.0.1:" + TestCluster.freePort(),
        "tick", "25ms", "shutdown.grace", "0");
    try (BellwetherNode alone = BellwetherNode.start(NodeConfig.from(Settings.of(s)), Modules.fromClasspath())) {
      expectError(add(alone, "n3", "127.0.0.1:7103", "127.0.0.1:8103"), 503, "NO_LEADER");
      expectError(promote(alone, "n2"), 503, "NO_LEADER");
      expectError(remove(alone, "n2"), 503, "NO_LEADER");
    }
  }
}
