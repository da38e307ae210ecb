package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.node.SseStream.Event;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@code GET /v1/events} streams each node's own events (elections with their cause, new
 * leaders with the gap, step-downs) in order with ids a reconnect resumes from, and status frames
 * with the cluster view and the write rate; the routes the dashboard reads allow the other members'
 * origins and no others; the election metrics carry their causes. Method: a 3-node cluster in this
 * JVM, a leadership transfer as the event to watch.
 */
class EventsApiTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
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

  @Test
  void statusFramesCarryTheClusterViewAndTheWritesOfTheInterval() throws Exception {
    BellwetherNode leader = cluster.awaitLeader();
    try (SseStream s = SseStream.open(leader.httpUrl() + "/v1/events", null)) {
      assertThat(s.status).isEqualTo(200);
      Event hello = s.next(WAIT);
      assertThat(hello.event()).isEqualTo("hello");
      assertThat(hello.json().getString("node")).isEqualTo(leader.nodeId());
      JsonObject status = until(s, e -> e.event().equals("status")).json();
      assertThat(status.getString("node")).isEqualTo(leader.nodeId());
      assertThat(status.getString("leader")).isEqualTo(leader.nodeId());
      assertThat(status.getJsonArray("members")).hasSize(3);
      assertThat(status.getLong("time")).isPositive();
      for (int i = 0; i < 40; i++) {
        assertThat(Http.put(leader.httpUrl() + "/v1/kv/events/" + i, "v").statusCode()).isEqualTo(200);
      }
      JsonObject busy = until(s, e -> e.event().equals("status")
          && e.json().getJsonObject("writes").getDouble("perSecond") > 0).json();
      assertThat(busy.getJsonObject("writes").getDouble("p99Ms")).isNotNull().isPositive();
    }
  }

  @Test
  void aTransferShowsOnEveryMembersStreamWithItsCauseAndResumesWithoutGapsOrRepeats() throws Exception {
    BellwetherNode old = cluster.awaitLeader();
    Map<String, SseStream> streams = new HashMap<>();
    Map<String, Long> lastSeq = new HashMap<>();
    try {
      for (BellwetherNode n : cluster.nodes) {
        SseStream s = SseStream.open(n.httpUrl() + "/v1/events", null);
        streams.put(n.nodeId(), s);
        lastSeq.put(n.nodeId(), s.next(WAIT).json().getLong("lastSeq"));
      }
      HttpResponse<String> r = Http.send("POST", old.httpUrl() + "/v1/leader/transfer", null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      String next = new JsonObject(r.body()).getString("leader");
      Map<String, List<Event>> seen = new HashMap<>();
      for (BellwetherNode n : cluster.nodes) {
        List<Event> upTo = upTo(streams.get(n.nodeId()), e -> isEvent(e, "leader_changed")
            && next.equals(e.json().getString("leader")));
        seen.put(n.nodeId(), upTo);
        JsonObject found = upTo.get(upTo.size() - 1).json();
        assertThat(found.getString("previousLeader")).isEqualTo(old.nodeId());
        assertThat(found.getLong("leaderlessMs")).isNotNegative().isLessThan(WAIT.toMillis());
        assertThat(found.getString("cause")).isEqualTo(n.nodeId().equals(next) ? "transfer" : null);
      }
      SseStream winner = streams.get(next);
      // Events on one stream come in order, numbered one by one: the winner's election came first.
      winner.close();
      try (SseStream again = SseStream.open(cluster.node(next).httpUrl() + "/v1/events", String.valueOf(lastSeq.get(next)))) {
        List<Event> replayed = new ArrayList<>();
        Event e;
        while ((e = again.next(Duration.ofSeconds(2))) != null) {
          if (e.event().equals("event")) replayed.add(e);
          if (isEvent(e, "leader_changed")) break;
        }
        assertThat(replayed).isNotEmpty();
        for (int i = 0; i < replayed.size(); i++) {
          assertThat(Long.parseLong(replayed.get(i).id())).isEqualTo(lastSeq.get(next) + 1 + i);
        }
        assertThat(replayed).anyMatch(x -> isEvent(x, "election_started")
            && "transfer".equals(x.json().getString("cause")));
      }
      // The old leader stepped down before it learned who won.
      assertThat(seen.get(old.nodeId())).anySatisfy(e -> {
        assertThat(isEvent(e, "stepped_down")).isTrue();
        assertThat(e.json().getString("reason")).isEqualTo("higher_term");
      });
    } finally {
      streams.values().forEach(SseStream::close);
    }
    String metrics = Http.get(cluster.node(cluster.awaitLeader().nodeId()).httpUrl() + "/metrics").body();
    for (String cause : List.of("startup", "leader_silent", "leader_connection_lost", "transfer", "check_quorum_stepdown")) {
      assertThat(metrics).contains("bellwether_raft_elections_total{cause=\"" + cause + "\"");
    }
    assertThat(metrics).contains("bellwether_raft_leaderless_seconds_bucket")
        .contains("bellwether_raft_step_downs_total{")
        .contains("bellwether_events_total{");
    assertThat(Http.get(old.httpUrl() + "/metrics").body())
        .containsPattern("bellwether_raft_step_downs_total\\{[^}]*reason=\"higher_term\"[^}]*} [1-9]");
  }

  @Test
  void aBadResumePositionIsRefusedWithTheReason() throws Exception {
    HttpResponse<String> r = Http.get(cluster.nodes.get(0).httpUrl() + "/v1/events?since=-3");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("since").contains("-3");
  }

  @Test
  void theDashboardRoutesAllowTheMembersOriginsAndNoOthers() throws Exception {
    BellwetherNode a = cluster.nodes.get(0);
    String member = cluster.nodes.get(1).httpUrl();
    HttpResponse<String> allowed = Http.get(a.httpUrl() + "/v1/cluster", "Origin", member);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(member);
    HttpResponse<String> stranger = Http.get(a.httpUrl() + "/v1/cluster", "Origin", "http://evil.example:8080");
    assertThat(stranger.statusCode()).isEqualTo(200);
    assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpResponse<String> preflight = Http.send("OPTIONS", a.httpUrl() + "/v1/events", null, "Origin", member,
        "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization,last-event-id");
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(member);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .contains("Authorization").contains("Last-Event-ID");
    HttpResponse<String> strangerPreflight = Http.send("OPTIONS", a.httpUrl() + "/v1/events", null,
        "Origin", "http://evil.example:8080", "Access-Control-Request-Method", "GET");
    assertThat(strangerPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    // Other routes are not opened to the members' origins.
    HttpResponse<String> kv = Http.get(a.httpUrl() + "/v1/kv/x", "Origin", member);
    assertThat(kv.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private static boolean isEvent(Event e, String type) {
    return e.event().equals("event") && type.equals(e.json().getString("type"));
  }

  /** Reads on until an event matches, failing after {@link #WAIT}. */
  private static Event until(SseStream s, Predicate<Event> match) throws InterruptedException {
    List<Event> upTo = upTo(s, match);
    return upTo.get(upTo.size() - 1);
  }

  /** The frames other than status up to the first that matches (included), failing after {@link #WAIT}. */
  private static List<Event> upTo(SseStream s, Predicate<Event> match) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Event> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      Event e = s.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (e == null) break;
      if (match.test(e)) {
        seen.add(e);
        return seen;
      }
      if (!e.event().equals("status")) seen.add(e);
    }
    throw new AssertionError("no matching event within " + WAIT + "; saw " + seen);
  }
}
