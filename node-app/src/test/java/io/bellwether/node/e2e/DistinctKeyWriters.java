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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Writer threads that each put a new key with a value known in advance, one request at a time, to a
 * node picked at random, and never write a key twice: after a crash, what must be there is exactly
 * the set of acknowledged writes, each at the version its answer named, and nothing may be there that
 * was certainly not written. Every write carries its key as {@code Idempotency-Key}, so the
 * idempotency records, which snapshots and restarts must keep, are part of the state too.
 *
 * <p>Outcomes follow {@link Workload}: 200 is {@link Op.Type#OK}; a refused connection and the
 * statuses of {@link Workload#certainlyNotDone} are {@link Op.Type#FAIL}; anything else (a timeout, a
 * broken connection, 504) is {@link Op.Type#INFO}, outcome unknown. Each write is also recorded in
 * the scenario's {@link ClientHistory}, so a failing run keeps it.
 */
final class DistinctKeyWriters implements AutoCloseable {

  /** Every key written starts with this. */
  static final String PREFIX = "crash/";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  /** After a refused connection (a killed node): a short pause, so a writer does not spin on it. */
  private static final long REFUSED_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** One write's outcome; {@code version} is the acknowledged version (0 unless OK). */
  record Write(String key, String value, Op.Type outcome, long version, String detail) {}

  private final HttpClient http = E2eHttp.current().client();
  private final List<String> urls;
  private final ClientHistory history;
  private final String valueTag;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, Write> writes = new ConcurrentHashMap<>();

  /**
   * Starts {@code writers} threads against {@code urls}.
   *
   * @param seed picks each writer's nodes, and tags the values so that a value from another run
   *     cannot pass for one of this run
   */
  DistinctKeyWriters(List<String> urls, ClientHistory history, int writers, long seed) {
    this.urls = List.copyOf(urls);
    this.history = history;
    this.valueTag = Long.toHexString(seed);
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int w = 0; w < writers; w++) {
      Writer writer = new Writer(w, seeds.split());
      Thread t = new Thread(writer::run, "e2e-writer-" + w);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** The value written to {@code key}: known before the write, so a read can be checked against it. */
  String valueOf(String key) {
    return key + "@" + valueTag;
  }

  /** Every write that ended so far, by key. */
  Map<String, Write> writes() {
    return Map.copyOf(writes);
  }

  /** How many writes ended with each outcome so far. */
  Map<Op.Type, Integer> counts() {
    Map<Op.Type, Integer> counts = new EnumMap<>(Op.Type.class);
    for (Write w : writes.values()) counts.merge(w.outcome(), 1, Integer::sum);
    return counts;
  }

  /** Stops the writers; each finishes (or times out) its write in flight. Blocks until they have. */
  @Override
  public void close() {
    running.set(false);
    try {
      for (Thread t : threads) t.join(REQUEST_TIMEOUT.toMillis() * 3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Writer {
    private final int id;
    private final SplittableRandom random;
    private int process;
    private long seq;

    Writer(int id, SplittableRandom random) {
      this.id = id;
      this.random = random;
      // Process ids of the history: writer w uses w, then w + writers, ... after each unknown outcome.
      this.process = id;
    }

    void run() {
      while (running.get()) {
        String key = PREFIX + "w" + id + "/" + String.format("%07d", seq++);
        if (!write(urls.get(random.nextInt(urls.size())), key)) {
          LockSupport.parkNanos(REFUSED_PAUSE_NANOS); // pacing after a refused connection, not a wait on a condition
        }
      }
    }

    /** Writes {@code key} once; false when the connection was refused. */
    private boolean write(String url, String key) {
      String value = valueOf(key);
      history.invoke(process, F.WRITE, key, value, null);
      HttpRequest request = E2eHttp.request(url + "/v1/kv/" + key).timeout(REQUEST_TIMEOUT)
          .header("Idempotency-Key", key).PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8))
          .build();
      HttpResponse<String> r;
      try {
        r = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException refused) {
        history.fail(process, F.WRITE, key, value, "connection refused");
        writes.put(key, new Write(key, value, Op.Type.FAIL, 0, "connection refused to " + url));
        return false;
      } catch (IOException e) {
        unknown(key, value, e.toString());
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unknown(key, value, "interrupted");
        return true;
      }
      int status = r.statusCode();
      if (status == 200) {
        long version = new JsonObject(r.body()).getLong("version");
        history.ok(process, F.WRITE, key, null, r.headers().firstValue("X-Bellwether-Node").orElse(null));
        history.acknowledged(key, value, version);
        writes.put(key, new Write(key, value, Op.Type.OK, version, "via " + url));
      } else if (Workload.certainlyNotDone(status)) {
        history.fail(process, F.WRITE, key, value, status + " " + r.body());
        writes.put(key, new Write(key, value, Op.Type.FAIL, 0, status + " " + r.body().strip() + " from " + url));
      } else {
        unknown(key, value, status + " " + r.body().strip());
      }
      return true;
    }

    private void unknown(String key, String value, String why) {
      history.info(process, F.WRITE, key, why);
      writes.put(key, new Write(key, value, Op.Type.INFO, 0, why));
      process += threads.size(); // as Jepsen's clients: after an unknown outcome, a new process
    }
  }
}
