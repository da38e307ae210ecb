package io.bellwether.node;

import io.bellwether.node.e2e.SseConnection;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A watch stream read on a thread of its own, for tests that take events with a deadline: the e2e
 * suite's {@link SseConnection} (the one SSE reader of node-app's tests) feeding a queue, and the last
 * id seen, heartbeats included, kept as a browser's EventSource keeps it.
 */
final class SseStream implements AutoCloseable {

  /** One dispatched block: {@code data} null for a heartbeat (an id without data). */
  record Event(String id, String event, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final int status;
  private final SseConnection connection;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile String lastId;

  private SseStream(SseConnection connection) {
    this.connection = connection;
    this.status = connection.status;
    if (status != 200) return;
    Thread reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code url} (a /v1/watch URL on loopback) with {@code Last-Event-ID} if not null. */
  static SseStream open(String url, String lastEventId) throws Exception {
    URI uri = URI.create(url);
    String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new SseStream(SseConnection.open(uri.getPort(), pathAndQuery, lastEventId, Duration.ofSeconds(30)));
  }

  private void read() {
    try {
      while (true) {
        SseConnection.Event e = connection.next();
        if (e.id() != null) lastId = e.id();
        events.add(new Event(e.id(), e.event(), e.data()));
      }
    } catch (Exception e) {
      // the stream ended or was closed
    }
  }

  /** The next event with data (heartbeats skipped), waiting at most {@code timeout}; null if none. */
  Event next(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      Event e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) return null;
      if (e.data() != null) return e;
    }
  }

  /** The next {@code n} events with data, failing if they do not come within {@code timeout}. */
  List<Event> take(int n, Duration timeout) throws InterruptedException {
    List<Event> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (got.size() < n) {
      Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (e == null) throw new AssertionError("only " + got.size() + " of " + n + " events came: " + got);
      got.add(e);
    }
    return got;
  }

  /** The last id seen, heartbeats included: what a reconnect sends as {@code Last-Event-ID}. */
  String lastId() {
    return lastId;
  }

  @Override
  public void close() {
    connection.close();
  }
}
