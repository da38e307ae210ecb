package io.bellwether.node.e2e;

// Goal: a watcher that fails over between nodes with Last-Event-ID, while the leader and then its own
// node are killed with kill -9, receives exactly the changes under its prefix, in log order, each once.
// Method: 3 node processes; a watcher of "w/" on a follower; one writer putting and deleting keys under
// "w/" and outside it on random nodes; kill -9 the leader, restart it, kill -9 the watcher's node; then
// compare what the watcher received with the acknowledged writes and with a fresh watch of the whole
// range on the node that was never killed.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WatchFailoverE2eTest extends E2eScenario {

  private static final String WATCH = "/v1/watch?prefix=w%2F";
  /** Heartbeats every 300 ms: a watcher's resume point stays fresh and a silent stream is noticed fast. */
  private static final Duration HEARTBEAT = Duration.ofMillis(300);
  private static final Duration SILENCE = Duration.ofSeconds(2);

  @Override
  protected Map<String, String> nodeSettings() {
    return Map.of("watch.heartbeat.interval", HEARTBEAT.toMillis() + "ms");
  }

  @Test
  void aWatcherFailingOverSeesEveryAcknowledgedChangeOnceInLogOrder() throws Exception {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    List<String> followers = new ArrayList<>(E2eCluster.IDS.stream().filter(id -> !id.equals(leader)).toList());
    if (random.nextBoolean()) followers.add(followers.remove(0));
    String watched = followers.get(0);
    String survivor = followers.get(1); // never killed: the reference for the whole range
    List<String> order = random.nextBoolean() ? List.of(watched, survivor, leader) : List.of(watched, leader, survivor);
    cluster.log("watcher on " + watched + ", then " + order.subList(1, 3) + "; leader " + leader);
    Map<Integer, String> nodeByPort = new HashMap<>();
    for (String id : E2eCluster.IDS) nodeByPort.put(cluster.node(id).httpPort, id);

    try (FailoverWatcher watcher = new FailoverWatcher(cluster, nodeByPort,
        order.stream().map(id -> cluster.node(id).httpPort).toList(), WATCH, SILENCE)) {
      await("the watch's first heartbeat").atMost(Duration.ofSeconds(10)).until(() -> watcher.lastId() != null);
      long start = watcher.position();
      Writer writer = new Writer(random.nextLong());
      Thread writing = new Thread(writer, "e2e-writer");
      writing.setDaemon(true);
      writing.start();

      holdRandom(1500, 2500);
      cluster.kill(leader);
      holdRandom(1500, 2500);
      cluster.restart(leader);
      String now = cluster.awaitLeader(LEADER_WITHIN);
      long commit = cluster.status(now).orElseThrow().getLong("commitIndex");
      await(leader + " catches up").atMost(CONVERGE_WITHIN).pollInterval(Duration.ofMillis(100))
          .until(() -> cluster.status(leader).map(s -> s.getLong("appliedIndex") >= commit).orElse(false));
      cluster.kill(watched);
      holdRandom(1500, 2500);
      writer.stop();
      writing.join(10_000);

      long end = lastWrite(cluster.node(survivor).url());
      await("the watcher reaches index " + end).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .until(() -> watcher.position() >= end);
      watcher.close();

      List<FailoverWatcher.Change> got = watcher.changes();
      List<Writer.Write> writes = writer.writes();
      Map<String, Long> outcomes = writes.stream().collect(Collectors.groupingBy(w -> w.outcome, Collectors.counting()));
      System.out.printf("e2e watch failover: %d changes received over %d streams (%d answers 410), %d heartbeats;"
              + " writes %s; positions %d to %d%n", got.size(), watcher.connections(), watcher.compacted(),
          watcher.heartbeats(), outcomes, start, end);

      assertThat(watcher.problems()).as("ids that did not move forward, ids not the index").isEmpty();
      assertThat(watcher.connections()).as("streams: the first, and one after its node was killed").isGreaterThanOrEqualTo(2);
      assertThat(got).extracting(FailoverWatcher.Change::key).allMatch(k -> k.startsWith("w/"));
      List<Long> indexes = got.stream().map(FailoverWatcher.Change::index).toList();
      assertThat(indexes).as("in log order, none twice").isSorted().doesNotHaveDuplicates();
      assertThat(indexes).allMatch(i -> i > start && i <= end);
      assertThat(indexes).last().isEqualTo(end);

      // Every acknowledged change under the prefix, at its index; nothing a failed write would have made;
      // changes no acknowledgement names come from writes whose outcome is unknown, each at most once.
      Map<Long, FailoverWatcher.Change> byIndex = new LinkedHashMap<>();
      got.forEach(c -> byIndex.put(c.index(), c));
      List<Writer.Write> acked = writes.stream().filter(w -> w.outcome.equals("ok") && w.changed && w.key.startsWith("w/")).toList();
      assertThat(acked.size()).as("acknowledged changes under the prefix").isGreaterThan(20);
      for (Writer.Write w : acked) {
        FailoverWatcher.Change c = byIndex.remove(w.index);
        assertThat(c).as("the change of acknowledged %s", w).isNotNull();
        assertThat(List.of(c.type(), c.key(), String.valueOf(c.value()))).as("change at %d", w.index)
            .isEqualTo(List.of(w.type, w.key, String.valueOf(w.value)));
      }
      byIndex.remove(end);
      List<Writer.Write> unknown = new ArrayList<>(writes.stream().filter(w -> w.outcome.equals("unknown")).toList());
      for (FailoverWatcher.Change c : byIndex.values()) {
        Writer.Write w = unknown.stream().filter(u -> u.type.equals(c.type()) && u.key.equals(c.key())
            && String.valueOf(u.value).equals(String.valueOf(c.value()))).findFirst().orElse(null);
        assertThat(w).as("a write of unknown outcome that made %s", c).isNotNull();
        unknown.remove(w);
      }

      // The same sequence, read again in one go from the node that was never killed.
      List<FailoverWatcher.Change> reference = readRange(cluster.node(survivor).httpPort, start, end);
      assertThat(got.stream().map(WatchFailoverE2eTest::text).toList()).as("against a watch of the same range on " + survivor)
          .isEqualTo(reference.stream().map(WatchFailoverE2eTest::text).toList());
    }
  }

  private static String text(FailoverWatcher.Change c) {
    return c.index() + " " + c.type() + " " + c.key() + " " + c.value();
  }

  /** A last put under the prefix, through the node that was never killed: the index the watcher must reach. */
  private long lastWrite(String url) {
    long[] index = new long[1];
    await("a last write").atMost(CONVERGE_WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      HttpResponse<String> r = send(E2eHttp.request(url + "/v1/kv/w/end").header("Idempotency-Key", "end-" + seed)
          .PUT(HttpRequest.BodyPublishers.ofString("end")));
      if (r.statusCode() != 200) return false;
      index[0] = new JsonObject(r.body()).getLong("index");
      return true;
    });
    return index[0];
  }

  /** Every change under the prefix after {@code start} up to {@code end}, from one stream of {@code port}. */
  private static List<FailoverWatcher.Change> readRange(int port, long start, long end) throws IOException {
    return SseConnection.readUntil(port, WATCH + "&fromIndex=" + (start + 1), null, end).stream()
        .map(e -> FailoverWatcher.Change.of(e.id(), new JsonObject(e.data()), "reference")).toList();
  }

  /**
   * One client writing one request at a time to a random node, without retries: puts and deletes
   * under "w/", puts of keys outside it ("x/", and "wx/", which shares the prefix's first letter).
   * Every value is unique. A refused connection, 503 or another 4xx did not happen; a timeout, a
   * broken connection, 504 or another status may have.
   */
  private final class Writer implements Runnable {

    static final class Write {
      final String type;
      final String key;
      final String value;
      String outcome = "unknown";
      long index;
      boolean changed;

      Write(String type, String key, String value) {
        this.type = type;
        this.key = key;
        this.value = value;
      }

      @Override
      public String toString() {
        return type + " " + key + (value == null ? "" : "=" + value) + " " + outcome + (index > 0 ? " at " + index : "");
      }
    }

    private final SplittableRandom rnd;
    private final List<Write> writes = new ArrayList<>();
    private volatile boolean running = true;

    Writer(long seed) {
      this.rnd = new SplittableRandom(seed);
    }

    void stop() {
      running = false;
    }

    synchronized List<Write> writes() {
      return List.copyOf(writes);
    }

    @Override
    public void run() {
      for (int seq = 0; running; seq++) {
        int dice = rnd.nextInt(100);
        String key = dice < 75 ? "w/" + rnd.nextInt(8) : (dice < 90 ? "x/" : "wx/") + rnd.nextInt(3);
        Write w = dice < 60 || dice >= 75 ? new Write("put", key, "v" + seq) : new Write("delete", key, null);
        List<String> urls = cluster.urls();
        String url = urls.get(rnd.nextInt(urls.size())) + "/v1/kv/" + key;
        HttpRequest.Builder b = E2eHttp.request(url);
        b = w.value == null ? b.DELETE() : b.PUT(HttpRequest.BodyPublishers.ofString(w.value));
        try {
          HttpResponse<String> r = send(b);
          int s = r.statusCode();
          if (s == 200) {
            JsonObject answer = new JsonObject(r.body());
            w.outcome = "ok";
            w.index = answer.getLong("index");
            w.changed = w.value != null || answer.getBoolean("deleted");
          } else if (Workload.certainlyNotDone(s)) {
            w.outcome = "failed";
          }
        } catch (ConnectException e) {
          w.outcome = "failed";
        } catch (IOException e) {
          // unknown: the write may have been applied
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        synchronized (this) {
          writes.add(w);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing of the load, not a wait on a condition
      }
    }
  }
}
