package io.bellwether.node.e2e;

import io.bellwether.testkit.lin.Op;
import io.bellwether.testkit.lin.Op.F;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Concurrent HTTP clients, each one request at a time against a random node, on a small rotating set
 * of keys with unique values: put, linearizable get, stale get (with this client's read-your-writes
 * {@code minIndex}) and compare-and-set, recorded in a {@link ClientHistory}.
 *
 * <p>The endpoints can change while the clients run ({@link #addEndpoint}, {@link #removeEndpoint}),
 * as an application's list does when nodes join or leave the cluster.
 *
 * <p>Answers: 2xx (and 404 for a read) is OK; 400, 412, 413, 429 and 503 certainly did not happen
 * (FAIL; 412 is a cas whose condition did not hold), and so is a refused connection (nothing was
 * sent); 504, another status, a timeout or a broken connection is unknown (INFO), and the client
 * goes on as a new process, as Jepsen's clients do.
 *
 * <p>With failover on (a client as a well-behaved application writes it), a request that certainly
 * did not happen for a reason that may pass (a refused connection, 429, 503) or whose outcome is
 * unknown is sent again to the next node, up to {@link #FAILOVER_WINDOW} after it was first sent,
 * and only its last answer is recorded; every write then carries an {@code Idempotency-Key} (its
 * unique value), so a retry after an unknown outcome is applied at most once. The reasons of the
 * attempts that were sent again are counted ({@link #retried()}).
 *
 * <p>Compare-and-set is on versions, and values are unique, so a version names one value: a cas
 * sent with {@code If-Match: "v"}, where v came with value x from this client's last linearizable
 * read or acknowledged write of the key, is recorded as cas(x to new value); after reading an absent
 * key it is sent with {@code If-None-Match: *} and recorded as cas(absent to new value). No client
 * deletes, so a key never goes back to absent and a version never names two values.
 */
final class Workload implements AutoCloseable {

  static final List<String> KEYS = List.of("k0", "k1", "k2");
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(3000);
  private static final long THINK_NANOS = TimeUnit.MILLISECONDS.toNanos(8);
  /** With failover: how long after first sending a request a client still sends it again elsewhere. */
  static final Duration FAILOVER_WINDOW = Duration.ofSeconds(10);
  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** One write or cas: first sent at {@code invoked}, last answer at {@code ended} (nanoTime). */
  record WriteTiming(F f, long invoked, long ended, Op.Type outcome, int attempts, String error) {
    long millis() {
      return TimeUnit.NANOSECONDS.toMillis(ended - invoked);
    }
  }

  /** The scenario's client: plain HTTP, or HTTPS with the cluster's CA and a token ({@link E2eHttp}). */
  private final HttpClient http = E2eHttp.current().client();
  /** The endpoints the clients use now: replaced whole when one is added or removed. */
  private volatile List<String> urls;
  private final ClientHistory history;
  private final AtomicInteger nextProcess = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger okCount = new AtomicInteger();
  private final boolean failover;
  private final Queue<WriteTiming> writes = new ConcurrentLinkedQueue<>();
  private final Map<String, Integer> retried = new ConcurrentHashMap<>();
  private final Map<String, Integer> okByEndpoint = new ConcurrentHashMap<>();

  Workload(List<String> urls, ClientHistory history, int clients, long seed) {
    this(urls, history, clients, seed, false);
  }

  Workload(List<String> urls, ClientHistory history, int clients, long seed, boolean failover) {
    this.urls = List.copyOf(urls);
    this.history = history;
    this.failover = failover;
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int c = 0; c < clients; c++) {
      Client client = new Client(c, seeds.split());
      Thread t = new Thread(client::run, "e2e-client-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /**
   * Clients use {@code url} from their next request on, as an application does once its operator
   * adds a node to its endpoint list (a node that joined the cluster).
   */
  void addEndpoint(String url) {
    synchronized (threads) {
      if (!urls.contains(url)) {
        List<String> more = new ArrayList<>(urls);
        more.add(url);
        urls = List.copyOf(more);
      }
    }
  }

  /** Clients stop choosing {@code url} (a request in flight there ends as it will). */
  void removeEndpoint(String url) {
    synchronized (threads) {
      List<String> fewer = new ArrayList<>(urls);
      fewer.remove(url);
      if (fewer.isEmpty()) throw new IllegalArgumentException("the clients need at least one endpoint");
      urls = List.copyOf(fewer);
    }
  }

  /** The endpoints the clients use now. */
  List<String> endpoints() {
    return urls;
  }

  /** Operations that succeeded so far: a cheap sign of progress for a scenario. */
  int okCount() {
    return okCount.get();
  }

  /** Every write and cas that ended so far, with its timing and outcome. */
  List<WriteTiming> writes() {
    return List.copyOf(writes);
  }

  /** Operations that succeeded, by the endpoint (URL) that answered them. */
  Map<String, Integer> okByEndpoint() {
    return new TreeMap<>(okByEndpoint);
  }

  /** With failover: why attempts were sent again (e.g. "refused", "503 NO_LEADER", "io"), and how often. */
  Map<String, Integer> retried() {
    return new TreeMap<>(retried);
  }

  /** Stops the clients: each finishes (or times out) its request in flight. */
  @Override
  public void close() {
    running.set(false);
    try {
      for (Thread t : threads) t.join(REQUEST_TIMEOUT.toMillis() * 3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What one client knows of a key from its own linearizable reads and acknowledged writes. */
  private record Seen(String value, long version) {}

  private final class Client {
    private final int clientId;
    private final SplittableRandom random;
    private int process = nextProcess.getAndIncrement();
    private int seq;
    private final Map<String, Seen> seen = new HashMap<>();
    /** This client's own acknowledged versions per key: a stale read with minIndex may not go below. */
    private final Map<String, Long> ownVersion = new HashMap<>();
    private long lastWriteIndex;

    Client(int clientId, SplittableRandom random) {
      this.clientId = clientId;
      this.random = random;
    }

    void run() {
      while (running.get()) {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        List<String> now = urls;
        String url = now.get(random.nextInt(now.size()));
        int dice = random.nextInt(100);
        if (dice < 35) {
          put(url, key);
        } else if (dice < 65) {
          linearizableGet(url, key);
        } else if (dice < 80) {
          staleGet(url, key);
        } else if (seen.containsKey(key)) {
          cas(url, key, seen.get(key));
        } else {
          linearizableGet(url, key);
        }
        LockSupport.parkNanos(THINK_NANOS); // pacing of the load, not a wait on a condition
      }
    }

    private String nextValue() {
      return "c" + clientId + "-" + (++seq);
    }

    void put(String url, String key) {
      String value = nextValue();
      history.invoke(process, F.WRITE, key, value, null);
      write(url, key, value, null, F.WRITE);
    }

    void cas(String url, String key, Seen expected) {
      String value = nextValue();
      history.invoke(process, F.CAS, key, value, expected.value);
      String[] condition = expected.value == null ? new String[] {"If-None-Match", "*"}
          : new String[] {"If-Match", "\"" + expected.version + "\""};
      write(url, key, value, condition, F.CAS);
    }

    private void write(String url, String key, String value, String[] condition, F f) {
      long invoked = System.nanoTime();
      int[] attempts = new int[1];
      Attempt a = send(url, attempts, to -> {
        HttpRequest.Builder b = E2eHttp.request(to + "/v1/kv/" + key).timeout(REQUEST_TIMEOUT)
            .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8));
        if (condition != null) b.header(condition[0], condition[1]);
        if (failover) b.header("Idempotency-Key", value); // values are unique
        return b.build();
      });
      Op.Type outcome;
      String error = null;
      if (a.refused != null) {
        outcome = Op.Type.FAIL;
        error = "connection refused: " + a.refused;
        history.fail(process, f, key, value, error);
      } else if (a.response == null) {
        outcome = Op.Type.INFO;
        error = a.error;
        unknown(f, key, a.error);
      } else {
        HttpResponse<String> r = a.response;
        int status = r.statusCode();
        String node = r.headers().firstValue("X-Bellwether-Node").orElse(null);
        if (status == 200) {
          outcome = Op.Type.OK;
          long version = new JsonObject(r.body()).getLong("version");
          history.ok(process, f, key, null, node);
          history.acknowledged(key, value, version);
          seen.put(key, new Seen(value, version));
          ownVersion.merge(key, version, Math::max);
          lastWriteIndex = Math.max(lastWriteIndex, version);
          okCount.incrementAndGet();
          okByEndpoint.merge(a.endpoint, 1, Integer::sum);
        } else if (certainlyNotDone(status)) {
          outcome = Op.Type.FAIL;
          error = status + " " + r.body();
          history.fail(process, f, key, value, error);
          if (status == 412) seen.remove(key);
        } else {
          outcome = Op.Type.INFO;
          error = status + " " + r.body();
          unknown(f, key, error);
        }
      }
      writes.add(new WriteTiming(f, invoked, System.nanoTime(), outcome, attempts[0], error));
    }

    void linearizableGet(String url, String key) {
      history.invoke(process, F.READ, key, null, null);
      Attempt a = send(url, new int[1], to -> get(to + "/v1/kv/" + key));
      if (a.refused != null) {
        history.fail(process, F.READ, key, null, "connection refused: " + a.refused);
        return;
      }
      if (a.response == null) {
        unknown(F.READ, key, a.error);
        return;
      }
      HttpResponse<String> r = a.response;
      int status = r.statusCode();
      String node = r.headers().firstValue("X-Bellwether-Node").orElse(null);
      if (status == 200 || status == 404) {
        String value = status == 200 ? r.body() : null;
        long version = status == 200 ? version(r) : 0;
        history.ok(process, F.READ, key, value, node);
        if (value != null) history.readWithVersion(key, value, version, "linearizable read on " + node);
        seen.put(key, new Seen(value, version));
        okCount.incrementAndGet();
        okByEndpoint.merge(a.endpoint, 1, Integer::sum);
      } else if (certainlyNotDone(status)) {
        history.fail(process, F.READ, key, null, status + " " + r.body());
      } else {
        unknown(F.READ, key, status + " " + r.body());
      }
    }

    /**
     * Sends {@code request(url)}; with failover, sends it again to the next node while the answer
     * is one that may pass and {@link #FAILOVER_WINDOW} has not run out. The last attempt's answer.
     */
    private Attempt send(String url, int[] attempts, Function<String, HttpRequest> request) {
      long deadline = System.nanoTime() + FAILOVER_WINDOW.toNanos();
      String to = url;
      while (true) {
        attempts[0]++;
        Attempt a = Attempt.of(http, request.apply(to));
        String reason = a.retryReason();
        if (!failover || reason == null || a.interrupted || !running.get() || System.nanoTime() > deadline) {
          return a;
        }
        retried.merge(reason, 1, Integer::sum);
        List<String> now = urls; // a removed endpoint's index is -1: the next is the first
        to = now.get((now.indexOf(to) + 1) % now.size());
        LockSupport.parkNanos(RETRY_PAUSE_NANOS); // a short back-off before the next node, not a wait on a condition
      }
    }

    void staleGet(String url, String key) {
      long minIndex = random.nextBoolean() ? lastWriteIndex : 0;
      HttpResponse<String> r;
      try {
        r = http.send(get(url + "/v1/kv/" + key + "?consistency=stale&minIndex=" + minIndex),
            HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        return; // a read that failed changes nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      int status = r.statusCode();
      if (status != 200 && status != 404) return;
      String value = status == 200 ? r.body() : null;
      long version = status == 200 ? version(r) : 0;
      long applied = Long.parseLong(r.headers().firstValue("X-Bellwether-Applied-Index").orElse("-1"));
      String node = r.headers().firstValue("X-Bellwether-Node").orElse(null);
      long known = minIndex > 0 ? ownVersion.getOrDefault(key, 0L) : 0;
      history.staleRead(new ClientHistory.StaleRead(process, key, minIndex, value, version, applied, node, known));
      if (value != null) history.readWithVersion(key, value, version, "stale read on " + node);
    }

    private HttpRequest get(String uri) {
      return E2eHttp.request(uri).timeout(REQUEST_TIMEOUT).GET().build();
    }

    private void unknown(F f, String key, String why) {
      history.info(process, f, key, why);
      process = nextProcess.getAndIncrement();
    }
  }

  /**
   * One HTTP attempt at {@code endpoint} (scheme, host and port): an answer, or a refused
   * connection, or an unknown ending ({@code error}).
   */
  private record Attempt(String endpoint, HttpResponse<String> response, ConnectException refused, String error,
      boolean interrupted) {
    static Attempt of(HttpClient http, HttpRequest request) {
      String endpoint = request.uri().getScheme() + "://" + request.uri().getAuthority();
      try {
        return new Attempt(endpoint, http.send(request, HttpResponse.BodyHandlers.ofString()), null, null, false);
      } catch (ConnectException refused) {
        return new Attempt(endpoint, null, refused, null, false);
      } catch (IOException e) {
        return new Attempt(endpoint, null, null, e.toString(), false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Attempt(endpoint, null, null, "interrupted", true);
      }
    }

    /** Why this attempt may be sent again elsewhere, or null when its answer is final. */
    String retryReason() {
      if (refused != null) return "refused";
      if (response == null) return "io " + error.replaceAll(":.*", "");
      int status = response.statusCode();
      if (status == 429 || status == 503) {
        String code = "";
        try {
          code = " " + new JsonObject(response.body()).getString("error");
        } catch (RuntimeException notJson) {
          // a proxy's or a stopping server's answer: the status says enough
        }
        return status + code;
      }
      if (status == 200 || status == 404 || certainlyNotDone(status)) return null;
      return String.valueOf(status); // 504 and any other ending: outcome unknown
    }
  }

  /** The writes (and cas) that were in flight at some moment between {@code from} and {@code to} (nanoTime). */
  static List<WriteTiming> overlapping(List<WriteTiming> writes, long from, long to) {
    return writes.stream().filter(w -> w.invoked() <= to && w.ended() >= from).toList();
  }

  /** The longest of {@link #overlapping} in milliseconds, -1 when there is none. */
  static long longest(List<WriteTiming> writes, long from, long to) {
    return overlapping(writes, from, to).stream().mapToLong(WriteTiming::millis).max().orElse(-1);
  }

  /**
   * The longest a write of {@link #overlapping} waited from {@code from} (or from its start, when
   * later) to its answer, in milliseconds, -1 when there is none: what an event at {@code from}
   * cost the writes, without the time a write had already waited before it (on a loaded 2-core
   * machine, a write held up by a previous node's JVM start-up).
   */
  static long longestSince(List<WriteTiming> writes, long from, long to) {
    return overlapping(writes, from, to).stream()
        .mapToLong(w -> TimeUnit.NANOSECONDS.toMillis(w.ended() - Math.max(w.invoked(), from))).max().orElse(-1);
  }

  static boolean certainlyNotDone(int status) {
    return status == 400 || status == 412 || status == 413 || status == 429 || status == 503;
  }

  private static long version(HttpResponse<String> r) {
    String etag = r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r));
    return Long.parseLong(etag.replace("\"", "").replace("W/", ""));
  }
}
