package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.spi.Settings;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.membership.ClusterIdentity;
import io.bellwether.node.membership.IdentityFile;
import io.bellwether.node.membership.JoinException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: a node started with {@code membership.join} ({@code --join}) and nothing but its own id,
 * addresses and cluster id joins a running cluster as a learner, gets its data, and once promoted is
 * counted as a voter by every node; a removed member is counted no more; {@code --promote} makes the
 * joiner a voter by itself; a node that restarts with its data comes back without asking; and a
 * joiner that could do harm (a voter whose data is gone, another node under a member's id) is
 * refused before it listens. Method: real nodes in this JVM talking TCP (the Vert.x transport, so the
 * members added at runtime are reached through the addresses in the configuration, which no static
 * list names), driven over HTTP.
 */
class JoinClusterTest {

  @TempDir Path dir;

  static final Map<String, String> TCP = Map.of("transport", "vertx");

  /** The settings of a node that knows only itself and where to join. */
  static Map<String, String> joiner(TestCluster c, String id, String join) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("node.id", id);
    s.put("cluster.id", c.clusterId);
    s.put("transport", "vertx");
    s.put("storage", "inmem");
    s.put("peer.listen", "127.0.0.1:" + TestCluster.freePort());
    s.put("http.listen", "127.0.0.1:" + TestCluster.freePort());
    s.put("membership.join", join);
    s.put("tick", "25ms");
    s.put("request.timeout", "3s");
    s.put("shutdown.grace", "0");
    return s;
  }

  static BellwetherNode start(Map<String, String> settings) throws Exception {
    return BellwetherNode.start(NodeConfig.from(Settings.of(settings)), Modules.fromClasspath());
  }

  static JsonObject cluster(BellwetherNode via) throws Exception {
    return new JsonObject(Http.get(via.httpUrl() + "/v1/cluster").body());
  }

  /** The ids of the voters {@code via} counts, from {@code GET /v1/cluster}. */
  static List<String> voters(BellwetherNode via) throws Exception {
    JsonArray members = cluster(via).getJsonArray("members");
    TreeSet<String> voters = new TreeSet<>();
    for (int i = 0; i < members.size(); i++) {
      if (members.getJsonObject(i).getBoolean("voter")) voters.add(members.getJsonObject(i).getString("id"));
    }
    return List.copyOf(voters);
  }

  @Test
  void aNodeJoinsAsALearnerIsPromotedAndAnotherIsRemoved() throws Exception {
    try (TestCluster c = TestCluster.start(3, TCP)) {
      BellwetherNode leader = c.awaitLeader();
      long lastWrite = 0;
      for (int i = 1; i <= 20; i++) {
        HttpResponse<String> w = Http.put(leader.httpUrl() + "/v1/kv/before-" + i, "v" + i);
        assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
        lastWrite = new JsonObject(w.body()).getLong("index");
      }
      BellwetherNode follower = c.aFollower();

      // Joined through a follower: its POST /v1/members is forwarded to the leader.
      BellwetherNode n4 = start(joiner(c, "n4", follower.httpUrl()));
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> n4.status().learner());
        HttpResponse<String> read =
            Http.get(n4.httpUrl() + "/v1/kv/before-20?consistency=stale&minIndex=" + lastWrite);
        assertThat(read.statusCode()).as("the learner got the data: " + read.body()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("v20");
        JsonObject seen = cluster(n4);
        assertThat(seen.getString("role")).isEqualTo("learner");
        assertThat(MemberApiTest.member(seen, "n4").getBoolean("voter")).isFalse();
        for (String id : List.of("n1", "n2", "n3")) {
          assertThat(MemberApiTest.member(seen, id).getMap()).as(id).containsEntry("voter", true)
              .containsEntry("peerAddress", c.peerAddresses.get(id)).containsEntry("httpAddress", c.httpAddresses.get(id));
        }

        // Promoted through its own API, which forwards to the leader it learned from the configuration.
        HttpResponse<String>[] promoted = new HttpResponse[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          promoted[0] = Http.send("POST", n4.httpUrl() + "/v1/members/n4/promote", null);
          return promoted[0].statusCode() != 409; // NOT_CAUGHT_UP or CHANGE_IN_PROGRESS: not yet
        });
        assertThat(promoted[0].statusCode()).as(promoted[0].body()).isEqualTo(200);
        List<BellwetherNode> all = List.of(c.node("n1"), c.node("n2"), c.node("n3"), n4);
        for (BellwetherNode n : all) {
          await().atMost(Duration.ofSeconds(10)).until(() -> voters(n).equals(List.of("n1", "n2", "n3", "n4")));
        }
        assertThat(cluster(n4).getString("role")).isIn("follower", "leader");
        HttpResponse<String> write = Http.put(n4.httpUrl() + "/v1/kv/after-promote", "p");
        assertThat(write.statusCode()).as("a write through n4 is forwarded: " + write.body()).isEqualTo(200);

        // Another node under n4's id is refused before it listens.
        assertThatThrownBy(() -> start(joiner(c, "n4", leader.httpUrl())))
            .isInstanceOf(JoinException.class).hasMessageContaining("n4 as a member at peer");

        // Remove a founding follower through n4; the others count three voters from then on.
        String gone = List.of("n1", "n2", "n3").stream().filter(id -> !id.equals(c.awaitLeader().nodeId()))
            .findFirst().orElseThrow();
        HttpResponse<String> removed = Http.delete(n4.httpUrl() + "/v1/members/" + gone);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        c.node(gone).close();
        List<BellwetherNode> left = all.stream().filter(n -> !n.nodeId().equals(gone)).toList();
        List<String> expected = left.stream().map(BellwetherNode::nodeId).sorted().toList();
        for (BellwetherNode n : left) {
          await().atMost(Duration.ofSeconds(10)).until(() -> voters(n).equals(expected));
        }
        // Not counted: with it and one more voter down, two of the three left still commit.
        BellwetherNode alsoDown = left.stream().filter(n -> n != n4).findFirst().orElseThrow();
        alsoDown.close();
        HttpResponse<String> after = Http.putEventually(n4.httpUrl() + "/v1/kv/after-removal", "r");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);

        // A voter that comes back with its data wiped must not be made a voter again by the log.
        Map<String, String> wiped = joiner(c, alsoDown.nodeId(), n4.httpUrl());
        wiped.put("peer.listen", c.peerAddresses.get(alsoDown.nodeId()));
        wiped.put("http.listen", c.httpAddresses.get(alsoDown.nodeId()));
        assertThatThrownBy(() -> start(wiped)).isInstanceOf(JoinException.class)
            .hasMessageContaining(alsoDown.nodeId() + " as a voter already");
      } finally {
        n4.close();
      }
    }
  }

  @Test
  void withPromoteTheJoinerBecomesAVoterAndItsDataBringsItBackWithoutJoin() throws Exception {
    try (TestCluster c = TestCluster.start(1, TCP)) {
      BellwetherNode n1 = c.awaitLeader();
      Map<String, String> s = joiner(c, "j1", n1.httpUrl());
      s.put("storage", "mapdb");
      s.put("data.dir", dir.resolve("j1").toString());
      s.put("membership.join.promote", "true");
      try (BellwetherNode j1 = start(s)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> n1.status().membership().isVoter("j1")
            && j1.status().membership().isVoter("j1"));
        // It took the cluster's identity, not one of its own, and stored it with its data.
        String clusterId = cluster(n1).getString("clusterId");
        assertThat(clusterId).startsWith(c.clusterId + "-");
        assertThat(cluster(j1).getMap()).containsEntry("clusterId", clusterId).containsEntry("clusterName", c.clusterId);
        assertThat(IdentityFile.read(dir.resolve("j1"))).map(ClusterIdentity::id).contains(clusterId);
        assertThat(Http.put(n1.httpUrl() + "/v1/kv/two-voters", "1").statusCode()).isEqualTo(200);
      }
      // n1 alone is one of two voters now: nothing commits until j1 is back.

      Map<String, String> restart = new LinkedHashMap<>(s);
      restart.remove("membership.join");
      restart.remove("membership.join.promote");
      try (BellwetherNode back = start(restart)) {
        assertThat(back.status().membership().voters()).as("from its store").containsExactly("j1", "n1");
        HttpResponse<String> w = Http.putEventually(n1.httpUrl() + "/v1/kv/j1-is-back", "2");
        assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
      }

      // With --join given anyway (and pointing nowhere), a node with a configuration does not ask.
      restart.put("membership.join", "http://127.0.0.1:" + TestCluster.freePort());
      restart.put("membership.join.timeout", "1s");
      try (BellwetherNode again = start(restart)) {
        assertThat(again.status().membership().isVoter("j1")).isTrue();
      }

      // A joiner configured with another cluster name is refused, naming both.
      Map<String, String> renamed = joiner(c, "j3", n1.httpUrl());
      renamed.put("cluster.id", "another-name");
      assertThatThrownBy(() -> start(renamed)).isInstanceOf(JoinException.class)
          .hasMessageContaining("'" + c.clusterId + "'").hasMessageContaining("'another-name'");
    }
  }

  @Test
  void aJoinThatNobodyAnswersFailsAtItsDeadline() throws Exception {
    Map<String, String> s = joiner(new TestCluster(), "j2", "http://127.0.0.1:" + TestCluster.freePort());
    s.put("membership.join.timeout", "1s");
    long start = System.nanoTime();
    assertThatThrownBy(() -> start(s)).isInstanceOf(JoinException.class)
        .hasMessageContaining("could not join").hasMessageContaining("did not succeed in time");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // Everything it opened was closed: its HTTP port is free again.
    try (java.net.ServerSocket free = new java.net.ServerSocket()) {
      free.bind(new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(s.get("http.listen").split(":")[1])));
    }
  }
}
