package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@code GET /v1/watch} streams, from any node, every change under a prefix exactly once and in
 * log order, and a watcher that reconnects to another node with {@code Last-Event-ID} gets exactly
 * the rest: no gap, no duplicate, also inside one entry that changed several keys (the end of a
 * lease). A start older than the history is 410, and idle streams get heartbeats that move their
 * resume position.
 */
class WatchApiTest {

  static TestCluster cluster;
  static BellwetherNode leader;
  static List<BellwetherNode> followers;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3, Map.of("watch.heartbeat.interval", "200ms"));
    leader = cluster.awaitLeader();
    followers = cluster.nodes.stream().filter(n -> n != leader).toList();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** A change as a watcher should see it: type, key, index (and the value of a put). */
  record Seen(String type, String key, long index, String value) {
    static Seen of(SseStream.Event e) {
      JsonObject d = e.json();
      String value = d.containsKey("value") ? new String(Base64.getDecoder().decode(d.getString("value"))) : null;
      return new Seen(d.getString("type"), d.getString("key"), d.getLong("index"), value);
    }
  }

  @Test
  void aWatcherOnAFollowerSeesEveryChangeOnceInOrderAndResumesOnAnotherNodeWithoutAGap() throws Exception {
    long seed = System.nanoTime();
    System.out.println("WatchApiTest seed=" + seed + " (replay: set it in the test)");
    Random random = new Random(seed);
    String prefix = "resume-" + seed + "/";
    long from = leader.status().appliedIndex() + 1;
    List<Seen> expected = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      int roll = random.nextInt(10);
      if (roll < 2 && !live.isEmpty()) {
        String key = live.remove(random.nextInt(live.size()));
        JsonObject answer = new JsonObject(Http.delete(leader.httpUrl() + "/v1/kv/" + key).body());
        expected.add(new Seen("delete", key, answer.getLong("index"), null));
      } else if (roll < 3) {
        Http.put(leader.httpUrl() + "/v1/kv/elsewhere-" + seed + "/" + i, "x"); // not under the prefix
      } else {
        String key = prefix + random.nextInt(40);
        JsonObject answer = new JsonObject(Http.put(leader.httpUrl() + "/v1/kv/" + key, "v" + i).body());
        expected.add(new Seen("put", key, answer.getLong("index"), "v" + i));
        if (!live.contains(key)) live.add(key);
      }
    }
    // Read part of the stream on one follower, drop it, resume on the other: several times.
    List<Seen> seen = new ArrayList<>();
    String lastId = null;
    int node = 0;
    while (seen.size() < expected.size()) {
      BellwetherNode on = followers.get(node++ % followers.size());
      String url = on.httpUrl() + "/v1/watch?prefix=" + prefix + (lastId == null ? "&fromIndex=" + from : "");
      try (SseStream s = SseStream.open(url, lastId)) {
        assertThat(s.status).isEqualTo(200);
        int take = Math.min(expected.size() - seen.size(), 1 + random.nextInt(40));
        // The id of the last event taken, not the reader's latest: it may have read further ahead.
        for (SseStream.Event e : s.take(take, Duration.ofSeconds(10))) {
          seen.add(Seen.of(e));
          lastId = e.id();
        }
      }
    }
    assertThat(seen).as("seed " + seed).containsExactlyElementsOf(expected);
  }

  @Test
  void aRevokedLeaseDeletesItsKeysInOneEntryAndAResumeInsideThatEntryGetsExactlyTheRest() throws Exception {
    String prefix = "revoke-" + System.nanoTime() + "/";
    long id = new JsonObject(Http.send("POST", leader.httpUrl() + "/v1/leases", "{\"ttlSeconds\": 600}").body())
        .getLong("id");
    for (String k : List.of("a", "b", "c")) {
      assertThat(Http.put(leader.httpUrl() + "/v1/kv/" + prefix + k + "?lease=" + id, k).statusCode()).isEqualTo(200);
    }
    long from = leader.status().appliedIndex() + 1;
    JsonObject revoked = new JsonObject(Http.delete(leader.httpUrl() + "/v1/leases/" + id).body());
    assertThat(revoked.getInteger("keysDeleted")).isEqualTo(3);
    long index = revoked.getLong("index");
    List<SseStream.Event> events;
    try (SseStream s = SseStream.open(followers.get(0).httpUrl() + "/v1/watch?prefix=" + prefix + "&fromIndex=" + from, null)) {
      events = s.take(3, Duration.ofSeconds(10));
    }
    assertThat(events).extracting(SseStream.Event::id).containsExactly(index + ".1", index + ".2", Long.toString(index));
    assertThat(events).extracting(e -> e.json().getString("key")).containsExactly(prefix + "a", prefix + "b", prefix + "c");
    assertThat(events).allSatisfy(e -> assertThat(e.json().getString("cause")).isEqualTo("lease_revoked"));
    try (SseStream s = SseStream.open(followers.get(1).httpUrl() + "/v1/watch?prefix=" + prefix, index + ".1")) {
      assertThat(s.take(2, Duration.ofSeconds(10))).extracting(e -> e.json().getString("key"))
          .containsExactly(prefix + "b", prefix + "c");
      assertThat(s.next(Duration.ofMillis(500))).as("nothing after the entry's last change").isNull();
    }
  }

  @Test
  void anIdleWatcherGetsHeartbeatsThatMoveItsResumePositionPastOtherKeys() throws Exception {
    String prefix = "quiet-" + System.nanoTime() + "/";
    try (SseStream s = SseStream.open(followers.get(0).httpUrl() + "/v1/watch?prefix=" + prefix, null)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> s.lastId() != null);
      long before = Long.parseLong(s.lastId());
      long index = new JsonObject(Http.put(leader.httpUrl() + "/v1/kv/loud/" + prefix, "x").body()).getLong("index");
      await().atMost(Duration.ofSeconds(5)).until(() -> Long.parseLong(s.lastId()) >= index);
      assertThat(before).isLessThan(index);
      assertThat(s.next(Duration.ofMillis(300))).as("no event for a key outside the prefix").isNull();
    }
  }

  @Test
  void badRequestsAre400() throws Exception {
    String url = followers.get(0).httpUrl();
    for (String query : List.of("?key=a&prefix=b", "?fromIndex=0", "?fromIndex=x", "?prefix=a&prefix=b", "?key=")) {
      HttpResponse<String> r = Http.get(url + "/v1/watch" + query);
      assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("INVALID_REQUEST");
    }
    HttpResponse<String> r = Http.get(url + "/v1/watch", "Last-Event-ID", "12.x");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Last-Event-ID");
  }
}
