package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@code GET /v1/state/hash} answers each node's hash of its key-value state with the index it
 * had applied; replicas at the same applied index answer the same hash, and a write changes it.
 * Method: a 3-node cluster in this JVM (snapshots every 10 entries, so the state is also compacted
 * and snapshotted while it is hashed), writes through the leader, then the hash of every node.
 */
class StateHashApiTest {

  @Test
  void replicasAtTheSameAppliedIndexAnswerTheSameHashAndAWriteChangesIt() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, Map.of("snapshot.entries", "10", "snapshot.catchup.entries", "2"))) {
      String leader = cluster.awaitLeader().httpUrl();
      long lastIndex = 0;
      for (int i = 0; i < 25; i++) {
        HttpResponse<String> put = Http.putEventually(leader + "/v1/kv/k" + i, "v" + i);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        lastIndex = new JsonObject(put.body()).getLong("index");
      }
      List<JsonObject> first = awaitSameAppliedIndex(cluster, lastIndex);
      String hash = first.get(0).getString("hash");
      assertThat(hash).matches("[0-9a-f]{16}");
      assertThat(first).allSatisfy(h -> assertThat(h.getString("hash")).as(h.encode()).isEqualTo(hash));
      assertThat(first).extracting(h -> h.getString("node")).containsExactlyInAnyOrder("n1", "n2", "n3");

      HttpResponse<String> put = Http.putEventually(leader + "/v1/kv/k0", "changed");
      List<JsonObject> second = awaitSameAppliedIndex(cluster, new JsonObject(put.body()).getLong("index"));
      String changed = second.get(0).getString("hash");
      assertThat(changed).isNotEqualTo(hash);
      assertThat(second).allSatisfy(h -> assertThat(h.getString("hash")).as(h.encode()).isEqualTo(changed));
    }
  }

  /** Every node's {@code /v1/state/hash} answer, once all three show one applied index of at least {@code min}. */
  private static List<JsonObject> awaitSameAppliedIndex(TestCluster cluster, long min) {
    List<JsonObject> answers = new ArrayList<>();
    await("every node at one applied index").atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      answers.clear();
      for (BellwetherNode n : cluster.nodes) {
        HttpResponse<String> r = Http.get(n.httpUrl() + "/v1/state/hash");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Bellwether-Node")).contains(n.nodeId());
        answers.add(new JsonObject(r.body()));
      }
      long applied = answers.get(0).getLong("appliedIndex");
      return applied >= min && answers.stream().allMatch(a -> a.getLong("appliedIndex") == applied);
    });
    return List.copyOf(answers);
  }
}
