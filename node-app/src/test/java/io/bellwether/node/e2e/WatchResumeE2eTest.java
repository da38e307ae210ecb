package io.bellwether.node.e2e;

// Goal: a watch resumes on another node exactly at its position (real processes, MapDB). A restarted
// node's history starts at its snapshot: a watch from before it is refused with 410 COMPACTED and the
// oldest index it can serve, and a watch from that index streams what a node whose history reaches
// further back streams. A node behind the watch's position sends nothing twice while it catches up.
// Method: 3 node processes with snapshots every 60 entries; 150 writes; kill -9 a follower and restart
// it; ask it and the other follower for watches from index 1, from its oldest index, and just before.
// Then cut the other follower off, write more, resume a watch on it at the newest position, heal.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchResumeE2eTest extends E2eScenario {

  private static final String WATCH = "/v1/watch?prefix=w%2F";
  private static final int WRITES = 150;

  @Test
  void aWatchResumesOnARestartedOrLaggingNodeExactlyAtItsPosition() throws Exception {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    List<String> followers = E2eCluster.IDS.stream().filter(id -> !id.equals(leader)).toList();
    int pick = random.nextInt(2);
    String restarted = followers.get(pick);
    String other = followers.get(1 - pick);
    long last = 0;
    for (int i = 0; i < WRITES; i++) {
      String key = (i % 4 == 3 ? "x/" : "w/") + (i % 5); // some keys outside the prefix
      last = put(cluster.node(leader).url(), key, "v" + i);
    }
    long lastWrite = last;
    await(restarted + " snapshots").atMost(CONVERGE_WITHIN).pollInterval(Duration.ofMillis(100))
        .until(() -> snapshotIndex(restarted) >= 2L * E2eCluster.SNAPSHOT_ENTRIES);
    cluster.kill(restarted);
    cluster.restart(restarted);
    await(restarted + " applies index " + lastWrite).atMost(CONVERGE_WITHIN).pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.status(restarted).map(s -> s.getLong("appliedIndex") >= lastWrite).orElse(false));
    long snapshot = snapshotIndex(restarted);
    cluster.log(restarted + " restarted from its snapshot at index " + snapshot);

    SseConnection refused = SseConnection.open(port(restarted), WATCH + "&fromIndex=1", null, Duration.ofSeconds(5));
    assertThat(refused.status).as("watch from index 1 on %s: %s", restarted, refused.body).isEqualTo(410);
    JsonObject error = new JsonObject(refused.body);
    assertThat(error.getString("error")).isEqualTo("COMPACTED");
    long oldest = error.getLong("oldestIndex");
    System.out.printf("e2e watch compacted: %s restarted from its snapshot at %d, answers 410 with oldestIndex %d;"
        + " last write at %d%n", restarted, snapshot, oldest, lastWrite);
    assertThat(oldest).as("oldestIndex: just after the snapshot the node restarted from").isEqualTo(snapshot + 1)
        .isGreaterThan(1);
    SseConnection justBefore = SseConnection.open(port(restarted), WATCH + "&fromIndex=" + (oldest - 1), null,
        Duration.ofSeconds(5));
    assertThat(justBefore.status).as("watch from oldestIndex - 1: %s", justBefore.body).isEqualTo(410);

    // From oldestIndex (by fromIndex, and by the Last-Event-ID that resumes there) the restarted node
    // streams exactly what the other follower, never restarted, streams from there.
    List<String> expected = changes(SseConnection.readUntil(port(other), WATCH + "&fromIndex=" + oldest, null, lastWrite));
    assertThat(expected).as("changes under the prefix from %d to %d", oldest, lastWrite).isNotEmpty();
    assertThat(changes(SseConnection.readUntil(port(restarted), WATCH + "&fromIndex=" + oldest, null, lastWrite)))
        .as("watch from oldestIndex on %s", restarted).isEqualTo(expected);
    assertThat(changes(SseConnection.readUntil(port(restarted), WATCH, Long.toString(oldest - 1), lastWrite)))
        .as("watch with Last-Event-ID %d on %s", oldest - 1, restarted).isEqualTo(expected);
    // The 410 is the restarted node's history, not the cluster's: the other follower still streams from 1.
    assertThat(SseConnection.readUntil(port(other), WATCH + "&fromIndex=1", null, lastWrite))
        .as("watch from index 1 on %s", other).hasSizeGreaterThan(expected.size());

    // A watcher that saw everything up to the newest index on one node resumes on a node behind it.
    cluster.isolate(other);
    long ahead = 0;
    for (int i = 0; i < 20; i++) ahead = put(cluster.node(leader).url(), "w/" + (i % 3), "ahead" + i);
    try (SseConnection behind = SseConnection.open(port(other), WATCH, Long.toString(ahead), Duration.ofSeconds(5))) {
      assertThat(behind.status).as("resume on %s, which is behind: %s", other, behind.body).isEqualTo(200);
      SseConnection.Event first = behind.next();
      assertThat(first.id()).as("the first heartbeat of a stream resumed ahead of its node").isEqualTo(Long.toString(ahead));
      cluster.healLinks();
      long next = put(cluster.node(leader).url(), "w/next", "next");
      List<SseConnection.Event> events = new ArrayList<>();
      for (SseConnection.Event e = first; e.id() == null || SseConnection.compareIds(e.id(), Long.toString(next)) < 0;
          e = behind.next()) {
        if (e.data() != null) events.add(e);
        else assertThat(SseConnection.compareIds(e.id(), Long.toString(ahead))).as("heartbeat %s", e.id()).isNotNegative();
      }
      // The loop stops at the event of index next, not added yet.
      assertThat(changes(events)).as("changes %s sent while it caught up to %d", other, ahead).isEmpty();
    }
  }

  private long put(String url, String key, String value) throws Exception {
    HttpResponse<String> r = send(E2eHttp.request(url + "/v1/kv/" + key).PUT(HttpRequest.BodyPublishers.ofString(value)));
    assertThat(r.statusCode()).as("put %s: %s", key, r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getLong("index");
  }

  private long snapshotIndex(String id) {
    return cluster.status(id).map(s -> s.getJsonObject("snapshot").getLong("index")).orElse(0L);
  }

  private int port(String id) {
    return cluster.node(id).httpPort;
  }

  private static List<String> changes(List<SseConnection.Event> events) {
    return events.stream().map(e -> {
      JsonObject d = new JsonObject(e.data());
      assertThat(e.id()).as("id of %s", d).isEqualTo(Long.toString(d.getLong("index")));
      assertThat(d.getString("key")).startsWith("w/");
      return d.getLong("index") + " " + d.getString("type") + " " + d.getString("key") + " " + d.getString("value");
    }).toList();
  }
}
