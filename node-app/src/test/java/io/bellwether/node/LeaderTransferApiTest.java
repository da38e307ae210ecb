package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.spi.Settings;
import io.bellwether.node.cli.ClientCommands;
import io.bellwether.node.cli.Main;
import io.bellwether.node.config.NodeConfig;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@code POST /v1/leader/transfer} and {@code bellwether leader transfer} move the leadership
 * as the node-app README says: to the most caught-up voter or the named one, from any node (a
 * follower forwards the request to the leader), answering {@code {"leader", "from"}} once the new
 * leader leads; an unknown target is 400, no leader 503, a transfer that cannot finish 504; each
 * transfer is counted once, by the node that carried it out. Method: 3-node clusters in this JVM
 * (in-memory transport and storage) driven over real HTTP and through picocli.
 */
class LeaderTransferApiTest {

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

  static HttpResponse<String> transfer(BellwetherNode via, String body, String... headers) throws Exception {
    return Http.send("POST", via.httpUrl() + "/v1/leader/transfer", body, headers);
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static double transfers(BellwetherNode node, String outcome) {
    Counter c = node.registry().find("bellwether.raft.leader.transfers").tag("outcome", outcome).counter();
    return c == null ? Double.NaN : c.count();
  }

  /** Every node knows {@code leaderId} as its leader, and it leads. */
  static void awaitEveryoneFollows(TestCluster c, String leaderId) {
    await().atMost(Duration.ofSeconds(20)).until(() -> c.nodes.stream().allMatch(n -> leaderId.equals(n.status().leader())));
  }

  static BellwetherNode node(TestCluster c, String id) {
    return c.nodes.stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void onTheLeaderAnEmptyBodyHandsTheLeadershipToAnotherVoter() throws Exception {
    BellwetherNode old = cluster.awaitLeader();
    assertThat(Http.put(old.httpUrl() + "/v1/kv/before-transfer", "1").statusCode()).isEqualTo(200);
    double movedBefore = transfers(old, "moved");

    HttpResponse<String> r = transfer(old, null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String next = json(r).getString("leader");
    assertThat(json(r).getString("from")).isEqualTo(old.nodeId());
    assertThat(next).isNotEqualTo(old.nodeId()).isIn("n1", "n2", "n3");
    assertThat(node(cluster, next).status().role()).as("it leads when the answer comes").isEqualTo(Role.LEADER);
    awaitEveryoneFollows(cluster, next);
    assertThat(transfers(old, "moved")).isEqualTo(movedBefore + 1);
    // Writes go on at the new leader, and the old one forwards them there.
    HttpResponse<String> after = Http.put(old.httpUrl() + "/v1/kv/after-transfer", "2");
    assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    assertThat(after.headers().firstValue("X-Bellwether-Node")).contains(next);
    assertThat(Http.get(node(cluster, next).httpUrl() + "/v1/kv/before-transfer").body()).isEqualTo("1");
  }

  @Test
  void onAFollowerTheRequestIsForwardedToTheLeader() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    BellwetherNode follower = cluster.aFollower();
    double followerCounted = transfers(follower, "moved") + transfers(follower, "failed") + transfers(follower, "unknown");
    double leaderMoved = transfers(leader, "moved");

    HttpResponse<String> r = transfer(follower, "{}", "Content-Type", "application/json");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).getString("from")).as("the leader carried it out").isEqualTo(leader.nodeId());
    assertThat(json(r).getString("leader")).isNotEqualTo(leader.nodeId());
    awaitEveryoneFollows(cluster, json(r).getString("leader"));
    assertThat(transfers(leader, "moved")).isEqualTo(leaderMoved + 1);
    assertThat(transfers(follower, "moved") + transfers(follower, "failed") + transfers(follower, "unknown"))
        .as("a forwarding follower counts nothing").isEqualTo(followerCounted);
  }

  @Test
  void aNamedTargetLeadsNext() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    // The follower with the higher id: with an empty body, ties go to the lower one.
    String target = cluster.nodes.stream().map(BellwetherNode::nodeId).filter(id -> !id.equals(leader.nodeId()))
        .max(String::compareTo).orElseThrow();
    BellwetherNode via = cluster.nodes.stream().filter(n -> !n.nodeId().equals(target)).filter(n -> n != leader)
        .findFirst().orElse(leader);

    HttpResponse<String> r = transfer(via, "{\"to\": \"" + target + "\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).getString("leader")).isEqualTo(target);
    assertThat(json(r).getString("from")).isEqualTo(leader.nodeId());
    awaitEveryoneFollows(cluster, target);
  }

  @Test
  void theCurrentLeaderAsTargetMovesNothing() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    long term = leader.status().term();
    HttpResponse<String> r = transfer(cluster.aFollower(), "{\"to\": \"" + leader.nodeId() + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).getString("leader")).isEqualTo(leader.nodeId());
    assertThat(json(r).getString("from")).isEqualTo(leader.nodeId());
    assertThat(leader.status().role()).isEqualTo(Role.LEADER);
    assertThat(leader.status().term()).isEqualTo(term);
  }

  @Test
  void anUnknownTargetIs400AndMovesNothing() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    double failedBefore = transfers(leader, "failed");
    for (BellwetherNode via : new BellwetherNode[] {leader, cluster.aFollower()}) {
      HttpResponse<String> r = transfer(via, "{\"to\": \"n9\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(json(r).getString("error")).isEqualTo("INVALID_REQUEST");
      assertThat(json(r).getString("message")).contains("'n9' is not a voter").contains("n1, n2, n3");
    }
    assertThat(cluster.awaitLeader()).isSameAs(leader);
    assertThat(transfers(leader, "failed")).isEqualTo(failedBefore + 1);
  }

  @Test
  void aForwardedTransferIsNeverForwardedAgain() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    HttpResponse<String> r = transfer(cluster.aFollower(), null, "X-Bellwether-Forwarded-By", "n9");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(json(r).getString("error")).isEqualTo("NOT_LEADER");
    assertThat(r.headers().firstValue("X-Bellwether-Leader")).contains(leader.nodeId());
    assertThat(cluster.awaitLeader()).isSameAs(leader);
  }

  @Test
  void metricsCountTransfersByOutcome() throws Exception {
    String scrape = Http.get(cluster.nodes.get(0).httpUrl() + "/metrics").body();
    for (String outcome : new String[] {"moved", "failed", "unknown"}) {
      assertThat(scrape).containsPattern("bellwether_raft_leader_transfers_total\\{[^}]*outcome=\"" + outcome + "\"");
    }
  }

  @Test
  void theCliMovesTheLeadershipAndPrintsTheNewLeader() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    String target = cluster.aFollower().nodeId();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("leader", "transfer", "--to", target, "--url", leader.httpUrl());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo("OK leader " + target + " (was " + leader.nodeId() + ")\n");
    awaitEveryoneFollows(cluster, target);

    StringWriter err2 = new StringWriter();
    int unknown = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err2, true))
        .execute("leader", "transfer", "--to", "n9", "--url", leader.httpUrl());
    assertThat(unknown).isEqualTo(ClientCommands.EXIT_FAILED);
    assertThat(err2.toString()).contains("INVALID_REQUEST").contains("n9");
  }

  @Test
  void aTransferThatCannotFinishIs504AndTheLeaderStays() throws Exception {
    try (TestCluster c = TestCluster.start(3, Map.of())) {
      BellwetherNode leader = c.awaitLeader();
      BellwetherNode target = c.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
      target.close(); // the TimeoutNow goes nowhere; two election timeouts (0.5 s here) later: unknown
      HttpResponse<String> r = transfer(leader, "{\"to\": \"" + target.nodeId() + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
      assertThat(json(r).getString("error")).isEqualTo("OUTCOME_UNKNOWN");
      assertThat(json(r).getString("message")).contains(target.nodeId());
      assertThat(transfers(leader, "unknown")).isEqualTo(1);
      // Given up: the old leader leads on and takes writes.
      assertThat(Http.putEventually(leader.httpUrl() + "/v1/kv/after-unknown", "x").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withNoLeaderKnownItIs503() throws Exception {
    // A node of a two-voter cluster whose other voter never starts: no leader is ever elected.
    int httpPort = TestCluster.freePort();
    Map<String, String> s = Map.of("node.id", "n1", "transport", "inmem", "storage", "inmem",
        "discovery.static.peers", "n1=127.0.0.1:17101@127.0.0.1:" + httpPort + ",n2=127.0.0.1:17102@127.0.0.1:"
            + TestCluster.freePort(), "tick", "25ms", "shutdown.grace", "0");
    try (BellwetherNode alone = BellwetherNode.start(NodeConfig.from(Settings.of(s)), Modules.fromClasspath())) {
      HttpResponse<String> r = transfer(alone, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(json(r).getString("error")).isEqualTo("NO_LEADER");
      assertThat(transfers(alone, "failed")).isEqualTo(1);
    }
  }
}
