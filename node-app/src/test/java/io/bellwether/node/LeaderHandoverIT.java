package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: a planned change of leader costs the clients no election timeout. SIGTERM of the leader of a
 * 3-process cluster (Vert.x transport, MapDB storage, default timing: 50 ms ticks, elections after
 * 500 to 1000 ms of silence) hands the leadership to a follower before the process stops, so a new
 * leader takes writes well within one minimum election timeout of the signal (without the handover
 * the followers must wait out that timeout before they may even vote) and no acknowledged write is
 * lost; a transfer asked with {@code POST /v1/leader/transfer} pauses writers about as briefly.
 * Method: two clients write without pause through the two followers (which forward to the leader),
 * each write retried under its idempotency key until acknowledged; the test moves the leadership
 * twice over HTTP, then SIGTERMs the leader, prints the longest write pause each time, and finally
 * reads every acknowledged write back. Runs only with the "vertx" and "mapdb" modules.
 */
class LeaderHandoverIT {

  /** The minimum election timeout under the default settings: 10 ticks of 50 ms. */
  private static final long ELECTION_TIMEOUT_MS = 500;

  @TempDir Path dir;

  private final Map<String, String> http = new LinkedHashMap<>();
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<Write> acknowledged = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final AtomicReference<Throwable> clientFailure = new AtomicReference<>();

  /** One acknowledged write: sent first at {@code invoked}, acknowledged at {@code acked} by {@code node}. */
  record Write(String key, String value, long invoked, long acked, String node) {
    long millis() {
      return TimeUnit.NANOSECONDS.toMillis(acked - invoked);
    }
  }

  @BeforeAll
  static void needsDurableModules() {
    Modules m = Modules.fromClasspath();
    assumeTrue(m.hasTransport("vertx") && m.hasStorage("mapdb"), "needs transport 'vertx' and storage 'mapdb'");
  }

  @Test
  void stoppingTheLeaderHandsOverWithoutAnElectionTimeoutAndLosesNothing() throws Exception {
    NodeProcess.Addresses addresses = NodeProcess.Addresses.free(List.of("a", "b", "c"));
    http.putAll(addresses.http());
    List<Thread> clients = new ArrayList<>();
    try {
      for (String id : http.keySet()) nodes.put(id, startNode(id, addresses.peers()));
      String leader = awaitLeader(http.keySet(), null);
      List<String> followers = http.keySet().stream().filter(id -> !id.equals(leader)).toList();
      for (String via : followers) clients.add(startClient(via));
      awaitAcknowledged(200); // warm-up: JIT, connections
      long baselineFrom = System.nanoTime();
      awaitAcknowledged(acknowledged.size() + 200);
      long baselineTo = System.nanoTime();
      List<Write> baseline = overlapping(baselineFrom, baselineTo);
      System.out.printf("baseline: %d writes in 1 s, longest %d ms%n", baseline.size(), longest(baseline));

      // Planned moves over HTTP, there and back, each asked through a follower.
      String there = followers.get(0);
      plannedTransfer(followers.get(1), there, leader);
      plannedTransfer(followers.get(1), leader, there);
      awaitLeader(http.keySet(), null);

      // SIGTERM of the leader: it hands over, then stops.
      long signalled = System.nanoTime();
      nodes.get(leader).process.destroy();
      String next = awaitLeader(followers, leader);
      long leaderSeen = System.nanoTime();
      assertThat(nodes.get(leader).process.waitFor(30, TimeUnit.SECONDS)).as("the old leader exits").isTrue();
      long exited = System.nanoTime();
      // The pause window is complete once clients have gone on writing well past the exit.
      awaitAckedAfter(exited, 50);
      Write firstByNext = acknowledged.stream().filter(w -> w.node().equals(next) && w.acked() > signalled)
          .min((x, y) -> Long.compare(x.acked(), y.acked())).orElseThrow();
      long acceptedMs = TimeUnit.NANOSECONDS.toMillis(firstByNext.acked() - signalled);
      List<Write> around = overlapping(signalled, exited);
      System.out.printf("SIGTERM of leader %s: %s leads (seen by the test %d ms after the signal) and acknowledged"
              + " a write %d ms after it; %s exited after %d ms; longest write pause %d ms (%d writes around it)%n",
          leader, next, ms(leaderSeen - signalled), acceptedMs, leader, ms(exited - signalled), longest(around),
          around.size());
      assertThat(acceptedMs).as("a new leader takes writes well within one election timeout (%d ms) of the"
          + " old leader's SIGTERM", ELECTION_TIMEOUT_MS).isLessThan(ELECTION_TIMEOUT_MS / 2);
      // bellwether node says what it did on stdout (the log says it too).
      assertThat(nodes.get(leader).output()).contains("node " + leader + " handed its leadership to " + next)
          .contains("node " + leader + " stopped");

      writing.set(false);
      for (Thread t : clients) t.join(30_000);
      assertThat(clientFailure.get()).as("every write was acknowledged in the end").isNull();
      // No acknowledged write is lost: read them all back, linearizably, from the new leader.
      Map<String, String> stored = new HashMap<>();
      for (String via : followers) {
        JsonObject scan = new JsonObject(Http.getEventually("http://" + http.get(next) + "/v1/kv?prefix=w-" + via
            + "-&limit=10000").body());
        assertThat(scan.getBoolean("more")).as("one page holds every write").isFalse();
        for (Object e : scan.getJsonArray("entries")) {
          JsonObject entry = (JsonObject) e;
          stored.put(entry.getString("key"), new String(Base64.getDecoder().decode(entry.getString("value")), UTF_8));
        }
      }
      for (Write w : acknowledged) assertThat(stored.get(w.key())).as(w.key()).isEqualTo(w.value());
      System.out.printf("read back all %d acknowledged writes%n", acknowledged.size());
    } finally {
      writing.set(false);
      for (Thread t : clients) t.join(30_000);
      nodes.values().forEach(NodeProcess::close);
    }
  }

  /** Asks {@code via} to hand the leadership from {@code from} to {@code to}, and prints the pause. */
  private void plannedTransfer(String via, String to, String from) throws Exception {
    long asked = System.nanoTime();
    HttpResponse<String> r = Http.send("POST", "http://" + http.get(via) + "/v1/leader/transfer",
        new JsonObject().put("to", to).encode());
    long answered = System.nanoTime();
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("leader")).isEqualTo(to);
    assertThat(new JsonObject(r.body()).getString("from")).isEqualTo(from);
    awaitAckedAfter(answered, 50); // every write in flight around the transfer has had its answer
    List<Write> around = overlapping(asked, answered);
    System.out.printf("planned transfer %s -> %s (POST /v1/leader/transfer via %s): answered in %d ms;"
        + " longest write pause %d ms (%d writes around it)%n", from, to, via, ms(answered - asked),
        longest(around), around.size());
  }

  /** A client that writes through {@code via} until told to stop, each write retried until acknowledged. */
  private Thread startClient(String via) {
    Thread t = new Thread(() -> {
      String url = "http://" + http.get(via) + "/v1/kv/";
      try {
        for (int seq = 0; writing.get(); seq++) {
          String key = "w-" + via + "-" + seq;
          String value = "v" + seq;
          String idempotencyKey = UUID.randomUUID().toString();
          long invoked = System.nanoTime();
          AtomicReference<Optional<HttpResponse<String>>> last = new AtomicReference<>(Optional.empty());
          // Retried every 5 ms under its idempotency key until acknowledged, for at most 20 s.
          try {
            await("write " + key + " acknowledged").atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                  last.set(attempt(url + key, value, idempotencyKey));
                  return last.get().map(x -> x.statusCode() == 200).orElse(false);
                });
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("write " + key + " not acknowledged within 20 s; last answer "
                + last.get().map(x -> x.statusCode() + " " + x.body()).orElse("none"), e);
          }
          String node = last.get().orElseThrow().headers().firstValue("X-Bellwether-Node").orElse("?");
          acknowledged.add(new Write(key, value, invoked, System.nanoTime(), node));
        }
      } catch (Throwable e) {
        clientFailure.compareAndSet(null, e);
      }
    }, "writer-via-" + via);
    t.start();
    return t;
  }

  /** Waits until at least {@code count} writes have been acknowledged in all. */
  private void awaitAcknowledged(int count) {
    await("acknowledged writes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> acknowledged.size() >= count || clientFailure.get() != null);
  }

  /** Waits until {@code count} writes were acknowledged after {@code since} ({@link System#nanoTime}). */
  private void awaitAckedAfter(long since, int count) {
    await("writes acknowledged after the event").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> acknowledged.stream().filter(w -> w.acked() > since).count() >= count
            || clientFailure.get() != null);
  }

  /** One try; empty when no answer came (the same idempotency key makes a retry safe). */
  private static Optional<HttpResponse<String>> attempt(String url, String value, String idempotencyKey) {
    try {
      return Optional.of(Http.put(url, value, "Idempotency-Key", idempotencyKey));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** The acknowledged writes that were in flight at some time in [from, to]. */
  private List<Write> overlapping(long from, long to) {
    return acknowledged.stream().filter(w -> w.invoked() <= to && w.acked() >= from).toList();
  }

  private static long longest(List<Write> writes) {
    return writes.stream().mapToLong(Write::millis).max().orElse(-1);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private NodeProcess startNode(String id, String peers) throws Exception {
    NodeProcess p = NodeProcess.fromClasspath(dir.resolve(id + ".out"), "node", "--node-id", id,
        "--cluster-id", "handover", "--peers", peers, "--transport", "vertx", "--storage", "mapdb",
        "--data-dir", dir.resolve(id).toString());
    p.awaitOutput("serving", Duration.ofSeconds(60));
    return p;
  }

  /** Waits until every node in {@code ids} names the same leader, not {@code notThis}; returns it. */
  private String awaitLeader(Iterable<String> ids, String notThis) {
    String[] leader = new String[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).ignoreExceptions().until(() -> {
      String seen = null;
      for (String id : ids) {
        String l = new JsonObject(Http.get("http://" + http.get(id) + "/v1/cluster").body()).getString("leader");
        if (l == null || l.equals(notThis) || (seen != null && !seen.equals(l))) return false;
        seen = l;
      }
      leader[0] = seen;
      return true;
    });
    return leader[0];
  }
}
