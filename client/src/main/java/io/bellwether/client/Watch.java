package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running watch ({@link BellwetherClient#watch}): one daemon thread that reads the node's event
 * stream and calls the {@link WatchListener}. Thread-safe.
 *
 * <p>The watch remembers its position: the id of the last event delivered or heartbeat heard. When the
 * stream ends for any reason but a final one (a broken or silent connection, a node stopping, a node
 * dropping it as a slow consumer, a 5xx) it reconnects to the <em>next</em> endpoint after a backoff,
 * sending that position as {@code Last-Event-ID}, so the listener sees every change once, in log
 * order: no gap, no duplicate (an event at or before the position is dropped, whichever node sends
 * it). It keeps trying, at most {@link RetryPolicy#maxBackoff()} apart, until closed. It ends by
 * itself only on {@code COMPACTED} ({@link WatchListener#onCompacted}) or a failure another attempt
 * would meet again ({@link WatchListener#onError}).
 */
public final class Watch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Watch.class);
  private static final AtomicInteger WATCHES = new AtomicInteger();

  /** How a connection ended: go on elsewhere (after it served, or not), or stop. */
  private enum End { SERVED, FAILED, STOP }

  private final Transport transport;
  private final WatchRequest request;
  private final WatchListener listener;
  private final Duration idleTimeout;
  private final Thread thread;
  private final Object lock = new Object();
  private final ScheduledFuture<?> watchdog;
  private volatile WatchPosition position;
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile long lastHeard = System.nanoTime();
  private volatile InputStream stream;
  private volatile CompletableFuture<?> pending;

  Watch(Transport transport, ScheduledExecutorService scheduler, Duration idleTimeout, WatchRequest request,
      WatchListener listener) {
    this.transport = transport;
    this.request = request;
    this.listener = listener;
    this.idleTimeout = idleTimeout;
    this.position = request.resumeAfter() == null ? null : WatchPosition.parse(request.resumeAfter());
    this.thread = new Thread(this::run, "bellwether-watch-" + WATCHES.incrementAndGet());
    thread.setDaemon(true);
    long check = Math.max(10, idleTimeout.toMillis() / 4);
    // A node that vanished (power off, partition) leaves the connection open and silent: heartbeats
    // come every few seconds, so silence longer than idleTimeout means the stream is dead.
    this.watchdog = scheduler.scheduleWithFixedDelay(this::checkIdle, check, check, TimeUnit.MILLISECONDS);
    thread.start();
  }

  /**
   * The id of the last event delivered or heartbeat heard: what a new watch can {@link
   * WatchRequest#resumeAfter resume after}. Null until the first arrived (and none was given).
   */
  public String lastEventId() {
    WatchPosition p = position;
    return p == null ? null : p.toString();
  }

  /** Whether a stream is open now (false while reconnecting and once ended). */
  public boolean isConnected() {
    return connected;
  }

  /** Whether the watch still runs: not closed, and not ended by {@code COMPACTED} or an error. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Stops the watch: no listener call starts after this returns. Waits up to 10 s for a listener call
   * in progress to return (not when called from the listener itself). Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    abandon();
    synchronized (lock) {
      lock.notifyAll();
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    List<URI> nodes = transport.endpoints().all();
    int next = transport.endpoints().currentIndex();
    int failures = 0;
    try {
      while (!closed) {
        URI node = nodes.get(Math.floorMod(next++, nodes.size()));
        End end = connect(node);
        connected = false;
        if (end == End.STOP || closed) return;
        failures = end == End.SERVED ? 1 : failures + 1;
        pause(transport.retry().backoff(failures));
      }
    } finally {
      connected = false;
      watchdog.cancel(false);
    }
  }

  private End connect(URI node) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "text/event-stream");
    WatchPosition from = position;
    if (from != null) headers.put("Last-Event-ID", from.toString());
    String path = "/v1/watch?" + (request.key() != null ? "key=" + encode(request.key()) : "prefix=" + encode(request.prefix()))
        + (from == null && request.fromIndex() > 0 ? "&fromIndex=" + request.fromIndex() : "");
    HttpResponse<InputStream> r;
    try {
      CompletableFuture<HttpResponse<InputStream>> f = transport.openStream(node, path, headers);
      pending = f;
      if (closed) f.cancel(true);
      r = f.get();
    } catch (Exception e) {
      if (!closed) LOG.debug("watch of {} could not connect to {}: {}", what(), node, e.toString());
      return End.FAILED;
    }
    try (InputStream body = r.body()) {
      stream = body;
      if (closed) return End.STOP;
      if (r.statusCode() != 200) return refused(node, r.statusCode(), body.readNBytes(64 * 1024));
      connected = true;
      lastHeard = System.nanoTime();
      SseReader reader = new SseReader(body);
      for (SseReader.Block b = reader.next(); b != null; b = reader.next()) {
        lastHeard = System.nanoTime();
        if (closed) return End.STOP;
        End end = dispatch(b);
        if (end != null) return end;
      }
      return End.SERVED;
    } catch (Exception e) {
      if (!closed) LOG.debug("watch of {} lost its stream from {}: {}", what(), node, e.toString());
      return closed ? End.STOP : End.SERVED;
    } finally {
      stream = null;
    }
  }

  /** Handles one block; non-null when the stream is over. */
  private End dispatch(SseReader.Block b) {
    if ("error".equals(b.event())) {
      JsonNode error = Json.object(b.data() == null ? null : b.data().getBytes(StandardCharsets.UTF_8));
      JsonNode resume = error == null ? null : error.get("resumeFrom");
      if (resume != null && resume.isTextual()) advance(WatchPosition.parse(resume.asText()));
      String code = Json.errorCode(error);
      if ("COMPACTED".equals(code)) {
        closed = true;
        listener.onCompacted(0);
        return End.STOP;
      }
      LOG.debug("watch of {}: the node ended the stream ({}); resuming after {}", what(), code, position);
      return End.SERVED;
    }
    if (b.id() == null) return null; // data without a position: nothing this API sends
    WatchPosition at;
    WatchEvent event;
    try {
      at = WatchPosition.parse(b.id());
      event = b.data() == null ? null : event(b);
    } catch (RuntimeException e) {
      // Every node would send it again: reconnecting cannot help, so the watch ends, saying why.
      LOG.warn("watch of {}: a node sent an event this client cannot read; the watch ends", what(), e);
      closed = true;
      listener.onError(new IllegalStateException("watch of " + what() + ": unreadable event id '" + b.id()
          + "' data '" + b.data() + "': " + e.getMessage(), e));
      return End.STOP;
    }
    if (event == null) {
      advance(at); // a heartbeat: a newer resume point
      return null;
    }
    if (!at.after(position)) return null; // sent again by a node resuming from an older position
    try {
      listener.onEvent(event);
    } catch (RuntimeException | Error e) {
      LOG.warn("watch of {}: the listener threw on {}; the watch ends", what(), event, e);
      closed = true;
      listener.onError(e);
      return End.STOP;
    }
    position = at;
    return null;
  }

  private static WatchEvent event(SseReader.Block b) {
    JsonNode d = Json.object(b.data().getBytes(StandardCharsets.UTF_8));
    if (d == null) throw new IllegalStateException("a watch event that is not a JSON object: " + Json.snippet(b.data().getBytes(StandardCharsets.UTF_8)));
    boolean put = "put".equals(Json.requiredText(d, "type"));
    byte[] value = put ? Base64.getDecoder().decode(Json.requiredText(d, "value")) : null;
    String cause = d.path("cause").isTextual() ? d.get("cause").asText() : null;
    return new WatchEvent(put ? WatchEvent.Type.PUT : WatchEvent.Type.DELETE, Json.requiredText(d, "key"), value,
        Json.requiredLong(d, "version"), Json.requiredLong(d, "index"), d.path("lease").asLong(0), cause, b.id());
  }

  /** A non-200 answer: 410 and the "ask again, get the same" statuses end the watch; others: elsewhere. */
  private End refused(URI node, int status, byte[] body) {
    JsonNode json = Json.object(body);
    String code = Json.errorCode(json);
    if (status == 410 && "COMPACTED".equals(code)) {
      closed = true;
      listener.onCompacted(json.path("oldestIndex").asLong(0));
      return End.STOP;
    }
    String message = "GET /v1/watch at " + node + ": HTTP " + status + (code == null ? "" : " " + code) + ": "
        + Json.snippet(body);
    if (code != null && (status == 400 || status == 401 || status == 403 || status == 404 || status == 405)) {
      closed = true;
      String server = json.path("message").asText(null);
      listener.onError(status == 401 || status == 403 ? new AuthenticationException(message, status, code, server, node)
          : new NotAppliedException(message, status, code, server, node, null));
      return End.STOP;
    }
    LOG.debug("watch of {}: {}; trying the next node", what(), message);
    return End.FAILED;
  }

  private void advance(WatchPosition p) {
    if (p.after(position)) position = p;
  }

  private void checkIdle() {
    if (connected && System.nanoTime() - lastHeard > idleTimeout.toNanos()) {
      LOG.debug("watch of {}: nothing heard for {} ms; reconnecting", what(), idleTimeout.toMillis());
      lastHeard = System.nanoTime();
      abandon();
    }
  }

  /** Closes the open stream or abandons the connection attempt: the reading thread moves on. */
  private void abandon() {
    CompletableFuture<?> f = pending;
    if (f != null) f.cancel(true);
    InputStream s = stream;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
  }

  private void pause(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    synchronized (lock) {
      for (long left = d.toMillis(); !closed && left > 0; left = (until - System.nanoTime()) / 1_000_000) {
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          closed = true;
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private String what() {
    return request.key() != null ? "key '" + request.key() + "'" : "prefix '" + request.prefix() + "'";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
