package io.bellwether.node.e2e;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.nio.charset.StandardCharsets;

/**
 * A watch client as an application writes one against the SSE API: it keeps the last event id it
 * saw (heartbeats' ids included, as EventSource does), and whenever its stream ends, whatever the
 * reason (the node killed, a read timeout, an {@code event: error}, a 410 or a refused connection),
 * it connects to the next node of its list with {@code Last-Event-ID}. It records every change it
 * receives, and as problems any id that does not move forward (a duplicate or a step back) and any
 * event whose id is not its index (each entry of the scenarios changes one key).
 *
 * <p>Thread-safe: one thread of its own reads; the test thread reads the results.
 */
final class FailoverWatcher implements AutoCloseable {

  /** One change received, and the node that sent it. */
  record Change(String id, long index, String type, String key, String value, String node) {
    static Change of(String id, JsonObject data, String node) {
      String value = data.containsKey("value")
          ? new String(Base64.getDecoder().decode(data.getString("value")), StandardCharsets.UTF_8) : null;
      return new Change(id, data.getLong("index"), data.getString("type"), data.getString("key"), value, node);
    }
  }

  private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Map<Integer, String> nodeByPort;
  private final List<Integer> ports;
  private final String pathAndQuery;
  private final Duration readTimeout;
  private final E2eCluster cluster;
  private final Thread thread;
  private final List<Change> changes = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger compacted = new AtomicInteger();
  private volatile String lastId;
  private volatile boolean running = true;
  private volatile SseConnection current;

  /**
   * Starts watching at the first of {@code ports}, then goes round the list on every disconnect.
   *
   * @param nodeByPort each port's node id, for the log
   * @param readTimeout silence after which the stream counts as lost (a few heartbeats)
   */
  FailoverWatcher(E2eCluster cluster, Map<Integer, String> nodeByPort, List<Integer> ports, String pathAndQuery,
      Duration readTimeout) {
    this.cluster = cluster;
    this.nodeByPort = Map.copyOf(nodeByPort);
    this.ports = List.copyOf(ports);
    this.pathAndQuery = pathAndQuery;
    this.readTimeout = readTimeout;
    this.thread = new Thread(this::run, "e2e-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    for (int attempt = 0; running; attempt++) {
      int port = ports.get(attempt % ports.size());
      String node = nodeByPort.get(port);
      String from = lastId;
      try (SseConnection c = SseConnection.open(port, pathAndQuery, from, readTimeout)) {
        current = c;
        if (!running) return;
        if (c.status != 200) {
          if (c.status == 410) compacted.incrementAndGet();
          cluster.log("watcher: " + node + " answered " + c.status + " " + c.body.strip() + " to Last-Event-ID " + from);
        } else {
          connections.incrementAndGet();
          cluster.log("watcher: connected to " + node + " with Last-Event-ID " + from);
          read(c, node);
        }
      } catch (ConnectException e) {
        cluster.log("watcher: " + node + " refused the connection");
      } catch (IOException e) {
        if (running) cluster.log("watcher: stream from " + node + " lost at id " + lastId + ": " + e);
      }
      LockSupport.parkNanos(RETRY_PAUSE_NANOS); // a short back-off before the next node, not a wait on a condition
    }
  }

  private void read(SseConnection c, String node) throws IOException {
    while (running) {
      SseConnection.Event e = c.next();
      if ("error".equals(e.event())) {
        cluster.log("watcher: " + node + " ended the stream: " + e.data());
        return;
      }
      synchronized (this) {
        if (e.data() != null) {
          Change change = Change.of(e.id(), new JsonObject(e.data()), node);
          if (e.id() == null || !e.id().equals(Long.toString(change.index()))) {
            problems.add("event id " + e.id() + " is not its index " + change.index() + " (from " + node + ")");
          }
          if (lastId != null && e.id() != null && SseConnection.compareIds(e.id(), lastId) <= 0) {
            problems.add("event " + e.id() + " from " + node + " does not come after " + lastId + ": " + change);
          }
          changes.add(change);
        } else {
          heartbeats.incrementAndGet();
          if (lastId != null && e.id() != null && SseConnection.compareIds(e.id(), lastId) < 0) {
            problems.add("heartbeat id " + e.id() + " from " + node + " goes back from " + lastId);
          }
        }
        if (e.id() != null) lastId = e.id();
      }
    }
  }

  /** The last entry whose changes were all delivered (from the last id seen, heartbeats included), or 0. */
  long position() {
    String id = lastId;
    return id == null ? 0 : SseConnection.completeIndex(id);
  }

  String lastId() {
    return lastId;
  }

  synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  int heartbeats() {
    return heartbeats.get();
  }

  /** Streams that opened with 200. */
  int connections() {
    return connections.get();
  }

  /** Answers 410: the node's history did not reach back to the watcher's position. */
  int compacted() {
    return compacted.get();
  }

  /** Stops reading and closes the stream. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    SseConnection c = current;
    if (c != null) c.close();
    thread.join(5000);
  }
}
