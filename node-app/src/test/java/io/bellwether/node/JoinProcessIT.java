package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code bellwether node --join URL --promote} works as a process with the default modules
 * (Vert.x, MapDB): the new node prints its serving line once it has been added, becomes a voter by
 * itself, comes back from its data directory after SIGTERM without {@code --join}, and {@code
 * bellwether member remove} takes it out again. Method: a one-voter cluster process and a joiner
 * process; the member commands run in this JVM through picocli.
 */
class JoinProcessIT {

  @TempDir Path dir;

  static List<String> voters(String base) throws Exception {
    JsonArray members = new JsonObject(Http.get(base + "/v1/cluster").body()).getJsonArray("members");
    List<String> voters = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      if (members.getJsonObject(i).getBoolean("voter")) voters.add(members.getJsonObject(i).getString("id"));
    }
    return voters;
  }

  @Test
  void aProcessJoinsIsPromotedRestartsFromItsDataAndIsRemoved() throws Exception {
    String h1 = "127.0.0.1:" + TestCluster.freePort();
    String h2 = "127.0.0.1:" + TestCluster.freePort();
    String p1 = "127.0.0.1:" + TestCluster.freePort();
    String p2 = "127.0.0.1:" + TestCluster.freePort();
    String[] founder = {"node", "--node-id", "n1", "--cluster-id", "grow", "--voters", "n1", "--http-listen", h1,
        "--peer-listen", p1, "--data-dir", dir.resolve("n1").toString(), "--tick", "20ms"};
    String[] joinerFromData = {"node", "--node-id", "n2", "--cluster-id", "grow", "--http-listen", h2,
        "--peer-listen", p2, "--data-dir", dir.resolve("n2").toString(), "--tick", "20ms"};
    List<String> joiner = new ArrayList<>(List.of(joinerFromData));
    joiner.addAll(List.of("--join", "http://" + h1, "--promote"));

    try (NodeProcess n1 = NodeProcess.fromClasspath(dir.resolve("n1.log"), founder)) {
      n1.awaitOutput("serving http://" + h1, Duration.ofSeconds(30));
      assertThat(Http.putEventually("http://" + h1 + "/v1/kv/before", "1").statusCode()).isEqualTo(200);

      try (NodeProcess n2 = NodeProcess.fromClasspath(dir.resolve("n2.log"), joiner.toArray(String[]::new))) {
        n2.awaitOutput("serving http://" + h2, Duration.ofSeconds(30));
        assertThat(n2.output()).contains("node n2 joined cluster grow as a learner: configuration ");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> voters("http://" + h1).equals(List.of("n1", "n2")));
        CliTest.Run list = CliTest.run("member", "list", "--url", "http://" + h2);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("(?m)^n2 +yes +(follower|leader) +" + p2.replace(".", "\\.") + " ");
        n2.stop(Duration.ofSeconds(20));
      }

      // Back from its data directory, without --join: a voter at once, which n1 needs to commit.
      try (NodeProcess n2 = NodeProcess.fromClasspath(dir.resolve("n2-again.log"), joinerFromData)) {
        n2.awaitOutput("serving http://" + h2, Duration.ofSeconds(30));
        HttpResponse<String> w = Http.putEventually("http://" + h1 + "/v1/kv/after-restart", "2");
        assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
        assertThat(Http.get("http://" + h2 + "/v1/kv/before?consistency=stale&minIndex="
            + new JsonObject(w.body()).getLong("index")).body()).isEqualTo("1");

        CliTest.Run removed = CliTest.run("member", "remove", "n2", "--url", "http://" + h2);
        assertThat(removed.code()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("OK n2 is removed");
        await().atMost(Duration.ofSeconds(10)).until(() -> voters("http://" + h1).equals(List.of("n1")));
        n2.stop(Duration.ofSeconds(20));
      }
      assertThat(Http.putEventually("http://" + h1 + "/v1/kv/alone-again", "3").statusCode()).isEqualTo(200);
      n1.stop(Duration.ofSeconds(20));
    }
  }
}
