package io.bellwether.node.e2e;

// Goal: a follower cut off from the leader refuses linearizable reads, yet serves stale reads
// marked with its applied index. Method: 3 node processes under load; isolate a follower both ways, probe it.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IsolateFollowerE2eTest extends E2eScenario {

  @Test
  void isolatedFollowerRefusesLinearizableReadsAndServesStaleOnes() throws Exception {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    String follower = cluster.anotherThan(leader);
    String leaderUrl = cluster.node(leader).url();
    String followerUrl = cluster.node(follower).url();
    long before = putEventually(leaderUrl, "probe", "before");
    await("the follower applied the first write").atMost(CONVERGE_WITHIN).ignoreExceptions().until(() ->
        get(followerUrl + "/v1/kv/probe?consistency=stale&minIndex=" + before).statusCode() == 200);

    startClients();
    holdRandom(1000, 2000);
    cluster.isolate(follower);

    // Reads in flight when the links were cut may still finish; after that, every answer is a refusal.
    await("the isolated follower refuses a linearizable read").atMost(Duration.ofSeconds(15))
        .ignoreExceptions().until(() -> get(followerUrl + "/v1/kv/probe").statusCode() == 503);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> refused = get(followerUrl + "/v1/kv/probe");
      assertThat(refused.statusCode()).as("linearizable read on the isolated follower: %s", refused.body())
          .isEqualTo(503);
      assertThat(new JsonObject(refused.body()).getString("error")).isNotBlank();
    }

    long after = putEventually(leaderUrl, "probe", "after");
    assertThat(after).isGreaterThan(before);

    HttpResponse<String> stale = get(followerUrl + "/v1/kv/probe?consistency=stale");
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo("before");
    assertThat(stale.headers().firstValue("X-Bellwether-Node")).contains(follower);
    long staleApplied = Long.parseLong(stale.headers().firstValue("X-Bellwether-Applied-Index").orElseThrow());
    assertThat(staleApplied).isBetween(before, after - 1);
    long reportedApplied = cluster.status(follower).orElseThrow().getLong("appliedIndex");
    assertThat(reportedApplied).as("the follower's own applied index").isEqualTo(staleApplied);

    HttpResponse<String> tooNew = get(followerUrl + "/v1/kv/probe?consistency=stale&minIndex=" + after);
    assertThat(tooNew.statusCode()).as("a stale read above the follower's applied index: %s", tooNew.body())
        .isNotEqualTo(200);
    cluster.log("isolated follower " + follower + ": linearizable read 503, stale read 'before' at applied index "
        + staleApplied + ", minIndex " + after + " answered " + tooNew.statusCode());

    holdRandom(1000, 2000);
    healAndCheck();
    HttpResponse<String> caughtUp = get(followerUrl + "/v1/kv/probe");
    assertThat(caughtUp.statusCode()).isEqualTo(200);
    assertThat(caughtUp.body()).isEqualTo("after");
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return send(E2eHttp.request(uri).GET());
  }

  /** A put retried (same idempotency key) until it is acknowledged; returns its version. */
  private long putEventually(String url, String key, String value) {
    String idempotencyKey = "probe-" + value + "-" + seed;
    long[] version = new long[1];
    await("put " + key + "=" + value).atMost(CONVERGE_WITHIN).ignoreExceptions().until(() -> {
      HttpResponse<String> r = send(E2eHttp.request(url + "/v1/kv/" + key)
          .header("Idempotency-Key", idempotencyKey).PUT(HttpRequest.BodyPublishers.ofString(value)));
      if (r.statusCode() != 200) return false;
      version[0] = new JsonObject(r.body()).getLong("version");
      return true;
    });
    return version[0];
  }
}
