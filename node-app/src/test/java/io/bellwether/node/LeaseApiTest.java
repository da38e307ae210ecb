package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: leases through the HTTP API. A lease nobody keeps alive expires, not before its TTL and soon
 * after it (the leader checks every 100 ms), deleting its keys in one entry that watchers see as
 * {@code lease_expired}; keepalives sent to a follower (forwarded to the leader) keep it; a revoke
 * deletes its keys at once; a put naming a lease that is gone is 404 and changes nothing.
 */
class LeaseApiTest {

  static TestCluster cluster;
  static BellwetherNode leader;
  static BellwetherNode follower;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3, Map.of());
    leader = cluster.awaitLeader();
    follower = cluster.aFollower();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  static long grant(BellwetherNode on, int ttlSeconds) throws Exception {
    HttpResponse<String> r = Http.send("POST", on.httpUrl() + "/v1/leases", "{\"ttlSeconds\": " + ttlSeconds + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getLong("id");
  }

  static int status(String url) throws Exception {
    return Http.get(url).statusCode();
  }

  @Test
  void aLeaseNobodyKeepsAliveExpiresAfterItsTtlAndNotBefore() throws Exception {
    String key = "/v1/kv/expiring-" + System.nanoTime();
    long sent = System.nanoTime();
    long id = grant(follower, 1); // granted through a follower: forwarded like any write
    assertThat(Http.put(leader.httpUrl() + key + "?lease=" + id, "v").statusCode()).isEqualTo(200);
    try (SseStream watch = SseStream.open(follower.httpUrl() + "/v1/watch?key=" + key.substring(7)
        + "&fromIndex=" + id, null)) {
      assertThat(watch.take(1, Duration.ofSeconds(5)).get(0).json().getString("type")).isEqualTo("put");
      // Not before: the lease's clock started when the grant reached the leader, after `sent`.
      Duration untilNotBefore = Duration.ofNanos(Math.max(1, 800_000_000L - (System.nanoTime() - sent)));
      await("the key, until 800 ms after the grant was sent").during(untilNotBefore)
          .atMost(untilNotBefore.plusSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> status(follower.httpUrl() + key) == 200);
      // Soon after: TTL + the 100 ms check + one commit, with room for a busy machine.
      await().atMost(Duration.ofMillis(1_000 + 2_000)).until(() -> status(follower.httpUrl() + key) == 404);
      SseStream.Event deleted = watch.take(1, Duration.ofSeconds(5)).get(0);
      assertThat(deleted.json().getString("type")).isEqualTo("delete");
      assertThat(deleted.json().getString("cause")).isEqualTo("lease_expired");
      assertThat(deleted.json().getLong("lease")).isEqualTo(id);
    }
    assertThat(Http.get(leader.httpUrl() + "/v1/leases/" + id).statusCode()).isEqualTo(404);
  }

  @Test
  void keepalivesThroughAFollowerKeepALeaseForManyTtls() throws Exception {
    String key = "/v1/kv/kept-" + System.nanoTime();
    long id = grant(leader, 1);
    assertThat(Http.put(leader.httpUrl() + key + "?lease=" + id, "v").statusCode()).isEqualTo(200);
    long until = System.nanoTime() + 3_000_000_000L;
    // A keepalive at every poll, a third of the TTL apart, as a client library would; done after 3 TTLs.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
      HttpResponse<String> r = Http.send("POST", follower.httpUrl() + "/v1/leases/" + id + "/keepalive", null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(new JsonObject(r.body()).getLong("ttlSeconds")).isEqualTo(1);
      assertThat(status(follower.httpUrl() + key)).isEqualTo(200);
      return System.nanoTime() - until >= 0;
    });
    JsonObject info = new JsonObject(Http.get(follower.httpUrl() + "/v1/leases/" + id).body());
    assertThat(info.getJsonArray("keys").getList()).containsExactly(key.substring(7));
    assertThat(info.getLong("remainingMillis")).isBetween(1L, 1_000L);
    assertThat(Http.get(leader.httpUrl() + key).headers().firstValue("X-Bellwether-Lease")).hasValue(Long.toString(id));
  }

  @Test
  void aRevokeDeletesTheKeysAtOnceAndAGoneLeaseCanNoLongerTakeKeys() throws Exception {
    String prefix = "revoked-" + System.nanoTime() + "/";
    long id = grant(leader, 600);
    for (String k : List.of("a", "b")) {
      assertThat(Http.put(leader.httpUrl() + "/v1/kv/" + prefix + k + "?lease=" + id, k).statusCode()).isEqualTo(200);
    }
    // A put without the lease detaches the key: the revoke leaves it.
    assertThat(Http.put(leader.httpUrl() + "/v1/kv/" + prefix + "b", "kept").statusCode()).isEqualTo(200);
    JsonObject revoked = new JsonObject(Http.delete(follower.httpUrl() + "/v1/leases/" + id).body());
    assertThat(revoked.getBoolean("revoked")).isTrue();
    assertThat(revoked.getInteger("keysDeleted")).isEqualTo(1);
    assertThat(status(leader.httpUrl() + "/v1/kv/" + prefix + "a")).isEqualTo(404);
    assertThat(Http.get(leader.httpUrl() + "/v1/kv/" + prefix + "b").body()).isEqualTo("kept");
    assertThat(new JsonObject(Http.delete(leader.httpUrl() + "/v1/leases/" + id).body()).getBoolean("revoked")).isFalse();
    HttpResponse<String> put = Http.put(leader.httpUrl() + "/v1/kv/" + prefix + "b?lease=" + id, "lost");
    assertThat(put.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(put.body()).getString("error")).isEqualTo("LEASE_NOT_FOUND");
    assertThat(Http.get(leader.httpUrl() + "/v1/kv/" + prefix + "b").body()).isEqualTo("kept");
    assertThat(Http.send("POST", leader.httpUrl() + "/v1/leases/" + id + "/keepalive", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aRetriedGrantWithTheSameIdempotencyKeyGrantsOneLease() throws Exception {
    String idem = "grant-" + System.nanoTime();
    HttpResponse<String> first = Http.send("POST", leader.httpUrl() + "/v1/leases", "{\"ttlSeconds\": 60}", "Idempotency-Key", idem);
    HttpResponse<String> again = Http.send("POST", follower.httpUrl() + "/v1/leases", "{\"ttlSeconds\": 60}", "Idempotency-Key", idem);
    assertThat(again.body()).isEqualTo(first.body());
  }

  @Test
  void badLeaseRequestsAre400() throws Exception {
    for (String body : List.of("", "{}", "[]", "{\"ttlSeconds\": 0}", "{\"ttlSeconds\": 2592001}", "{\"ttlSeconds\": 1.5}",
        "{\"ttlSeconds\": \"5\"}", "{\"ttlSeconds\": 5, \"x\": 1}", "not json")) {
      HttpResponse<String> r = Http.send("POST", follower.httpUrl() + "/v1/leases", body);
      assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
    }
    for (String id : List.of("0", "-1", "x", "99999999999999999999")) {
      assertThat(Http.send("POST", leader.httpUrl() + "/v1/leases/" + id + "/keepalive", null).statusCode()).as(id).isEqualTo(400);
      assertThat(Http.get(leader.httpUrl() + "/v1/leases/" + id).statusCode()).as(id).isEqualTo(400);
    }
    assertThat(Http.put(leader.httpUrl() + "/v1/kv/k?lease=0", "v").statusCode()).isEqualTo(400);
    assertThat(Http.send("POST", leader.httpUrl() + "/v1/leases", "{\"ttlSeconds\": " + "9".repeat(2000) + "}").statusCode())
        .isEqualTo(413);
  }
}
