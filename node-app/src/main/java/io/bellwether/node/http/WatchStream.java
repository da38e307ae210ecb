package io.bellwether.node.http;

import io.bellwether.core.kv.KvChange;
import io.bellwether.core.watch.WatchBatch;
import io.bellwether.core.watch.WatchClosed;
import io.bellwether.core.watch.WatchEvent;
import io.bellwether.core.watch.WatchPosition;
import io.bellwether.core.watch.Watcher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open watch stream: moves changes from a {@link Watcher} to a Server-Sent Events response, as
 * fast as the client reads and no faster. Changes are never queued here: the watcher is polled only
 * while the response's write queue has room, and a consumer that stops reading leaves the watcher
 * "stalled" (the history closes it once it falls too far behind). Runs on the request's Vert.x
 * context; the watcher's wake-up (on the node thread) only schedules a pump there.
 */
final class WatchStream {

  /** Changes taken from the watcher per poll. */
  private static final int POLL_BATCH = 256;
  /** Bytes a response may have queued before the stream stops polling. */
  static final int WRITE_QUEUE_BYTES = 256 * 1024;

  private final HttpServerResponse response;
  private final Context context;
  private final Vertx vertx;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable onEnd;
  private Watcher watcher;
  private WatchPosition sent;
  private long heartbeatTimer = -1;
  private boolean ended;

  WatchStream(HttpServerResponse response, Vertx vertx, Runnable onEnd) {
    this.response = response;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.onEnd = onEnd;
  }

  /** The wake-up to give the watcher: cheap, called on the node thread. */
  Runnable wakeup() {
    return () -> {
      if (scheduled.compareAndSet(false, true)) context.runOnContext(v -> pump());
    };
  }

  /** Starts streaming from {@code w}: the headers, a first heartbeat with the start position, then changes. */
  void start(Watcher w, Duration heartbeat) {
    this.watcher = w;
    this.sent = null;
    Replies.startEventStream(response, WRITE_QUEUE_BYTES);
    response.closeHandler(v -> end(null));
    response.exceptionHandler(e -> end(null));
    pump();
    if (!ended) heartbeat();
    heartbeatTimer = vertx.setPeriodic(heartbeat.toMillis(), id -> {
      pump();
      if (!ended && !response.writeQueueFull()) heartbeat();
    });
  }

  /**
   * Ends the stream from any thread, on its own context, telling the client the node is stopping;
   * completes once that last event is written (or could not be).
   */
  CompletableFuture<Void> shutdown() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      Future<Void> written = end(WatchClosed.CLOSED);
      written.onComplete(r -> done.complete(null));
    });
    return done;
  }

  /**
   * Ends the stream with a last event saying why (null: the client went away), and closes the
   * watcher. Call on the stream's context.
   */
  Future<Void> end(WatchClosed why) {
    if (ended) return Future.succeededFuture();
    ended = true;
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    if (watcher != null) watcher.close();
    onEnd.run();
    if (why != null && !response.ended() && !response.closed()) {
      String code = why == WatchClosed.CLOSED ? "SHUTTING_DOWN" : why.name();
      JsonObject error = new JsonObject().put("error", code).put("message", message(why));
      if (sent != null) error.put("resumeFrom", sent.eventId());
      return response.end("event: error\ndata: " + error.encode() + "\n\n");
    }
    return Future.succeededFuture();
  }

  private void pump() {
    scheduled.set(false);
    while (!ended) {
      if (response.writeQueueFull()) {
        watcher.stalled(true);
        response.drainHandler(v -> {
          watcher.stalled(false);
          pump();
        });
        return;
      }
      WatchBatch batch = watcher.poll(POLL_BATCH);
      if (!batch.events().isEmpty()) {
        Buffer out = Buffer.buffer(batch.events().size() * 128);
        for (WatchEvent e : batch.events()) out.appendBytes(e.encoded(WatchStream::encode));
        response.write(out);
      }
      sent = batch.position();
      if (batch.closed() != null) {
        end(batch.closed() == WatchClosed.CLOSED ? null : batch.closed());
        return;
      }
      if (batch.caughtUp()) return;
      if (batch.events().isEmpty()) {
        // It scanned a long run of changes it does not want: let other work run, then go on.
        wakeup().run();
        return;
      }
    }
  }

  private void heartbeat() {
    if (sent == null) return;
    response.write(": heartbeat\nid: " + sent.eventId() + "\n\n");
  }

  /** One event as SSE: the same bytes for every watcher, so encoded once per change (see WatchEvent#encoded). */
  private static byte[] encode(WatchEvent e) {
    // Bytes, not a Buffer: event loops of other watchers read it at the same time.
    Buffer out = Buffer.buffer(128 + e.change().value().length * 4 / 3);
    KvChange c = e.change();
    JsonObject data = new JsonObject()
        .put("type", c.type() == KvChange.Type.PUT ? "put" : "delete")
        .put("key", c.key());
    if (c.type() == KvChange.Type.PUT) data.put("value", Base64.getEncoder().encodeToString(c.value()));
    data.put("version", c.version()).put("index", e.index()).put("lease", c.lease());
    if (c.type() == KvChange.Type.DELETE) data.put("cause", cause(c.cause()));
    out.appendString("id: ").appendString(e.after().eventId())
        .appendString("\ndata: ").appendString(data.encode()).appendString("\n\n");
    return out.getBytes();
  }

  private static String cause(KvChange.Cause cause) {
    return switch (cause) {
      case WRITE -> "delete";
      case LEASE_EXPIRED -> "lease_expired";
      case LEASE_REVOKED -> "lease_revoked";
    };
  }

  private static String message(WatchClosed why) {
    return switch (why) {
      case SLOW_CONSUMER -> "this watcher fell too far behind while not reading; reconnect with Last-Event-ID"
          + " (to any node) to resume without a gap";
      case COMPACTED -> "changes this watcher had not seen are gone from this node's history (a snapshot"
          + " replaced its state); read the current state, then watch from the index it was read at + 1";
      case CLOSED -> "the node is shutting down; reconnect with Last-Event-ID to another node";
    };
  }
}
