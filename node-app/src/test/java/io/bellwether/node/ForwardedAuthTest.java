package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.Tokens;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: a write through a follower keeps its caller's identity. The follower checks the caller's
 * role itself (a reader's write is 403 there, and nothing reaches the leader), and forwards the
 * caller's token, which the leader checks again: a token the followers know but the leader does not
 * is refused by the leader, and that refusal reaches the client; a writer known to all succeeds.
 * Method: a 3-node cluster in this JVM whose leader (n1) has a tokens file without the token
 * "follower-only" that n2's and n3's have.
 */
class ForwardedAuthTest {

  @TempDir static Path dir;
  static Credentials creds;
  static TestCluster cluster;
  static final String FOLLOWER_ONLY = Tokens.generate();

  @BeforeAll
  static void start() throws Exception {
    creds = Credentials.in(dir);
    Path followersFile = dir.resolve("followers-tokens");
    Files.copy(creds.tokensFile, followersFile);
    Tokens.append(followersFile, ApiRole.WRITE, "follower-only", FOLLOWER_ONLY);
    cluster = TestCluster.startEach(3, id -> Map.of("auth.tokens.file",
        (id.equals("n1") ? creds.tokensFile : followersFile).toString()));
    BellwetherNode leader = cluster.awaitLeader();
    if (!leader.nodeId().equals("n1")) {
      HttpResponse<String> moved = Http.send("POST", leader.httpUrl() + "/v1/leader/transfer",
          new JsonObject().put("to", "n1").encode(), "Authorization", "Bearer " + creds.admin);
      assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.awaitLeader().nodeId().equals("n1"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  static HttpResponse<String> putVia(String node, String key, String token) throws Exception {
    return Http.put(cluster.node(node).httpUrl() + "/v1/kv/" + key, "v", "Authorization", "Bearer " + token);
  }

  static int statusOnLeader(String key) throws Exception {
    return Http.get(cluster.node("n1").httpUrl() + "/v1/kv/" + key, "Authorization", "Bearer " + creds.admin).statusCode();
  }

  @Test
  void aReadersWriteThroughAFollowerIsRefusedByTheFollower() throws Exception {
    HttpResponse<String> r = putVia("n2", "reader-key", creds.reader);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("FORBIDDEN");
    assertThat(r.body()).contains("node n2:"); // the follower's verdict, not the leader's
    assertThat(statusOnLeader("reader-key")).isEqualTo(404);

    HttpResponse<String> m = Http.send("DELETE", cluster.node("n3").httpUrl() + "/v1/members/n2", null,
        "Authorization", "Bearer " + creds.writer);
    assertThat(m.statusCode()).as(m.body()).isEqualTo(403);
    assertThat(cluster.node("n1").status().voters()).contains("n2");
  }

  @Test
  void aWritersWriteThroughAFollowerIsForwardedAndApplied() throws Exception {
    HttpResponse<String> r = putVia("n2", "writer-key", creds.writer);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Bellwether-Node")).contains("n1");
    assertThat(statusOnLeader("writer-key")).isEqualTo(200);
  }

  @Test
  void theLeaderChecksTheForwardedTokenAgain() throws Exception {
    HttpResponse<String> r = putVia("n3", "follower-only-key", FOLLOWER_ONLY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("UNAUTHENTICATED");
    assertThat(r.body()).contains("node n1:");
    assertThat(statusOnLeader("follower-only-key")).isEqualTo(404);
  }
}
