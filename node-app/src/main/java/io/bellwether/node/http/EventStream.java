package io.bellwether.node.http;

import io.bellwether.node.events.NodeEvent;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One open {@code GET /v1/events} stream: the node's events (each once, in order, with its sequence
 * number as the SSE id) and a status frame each interval. Runs on the request's Vert.x context;
 * the event log hands events over on the node thread, which only schedules the write here.
 *
 * <p>A client that stops reading is not buffered for: status frames are skipped while the
 * response's write queue is full, and an event that finds it full ends the stream, so the client
 * reconnects with {@code Last-Event-ID} and gets what it missed from the retained events.
 */
final class EventStream {

  /** Bytes a response may have queued before it counts as not reading. */
  static final int WRITE_QUEUE_BYTES = 256 * 1024;

  private final HttpServerResponse response;
  private final Context context;
  private final Runnable onEnd;
  private final Consumer<NodeEvent> subscriber = this::offer;
  private long lastSent;
  private boolean ended;

  EventStream(HttpServerResponse response, Context context, long after, Runnable onEnd) {
    this.response = response;
    this.context = context;
    this.lastSent = after;
    this.onEnd = onEnd;
  }

  /** What the event log calls on the node thread. */
  Consumer<NodeEvent> subscriber() {
    return subscriber;
  }

  /** Sends the headers, the hello frame and the retained events the client missed. Request context. */
  void start(JsonObject hello, List<NodeEvent> missed) {
    Replies.startEventStream(response, WRITE_QUEUE_BYTES);
    response.closeHandler(v -> end());
    response.exceptionHandler(e -> end());
    response.write("event: hello\ndata: " + hello.encode() + "\n\n");
    for (NodeEvent e : missed) write(e);
  }

  /** Queues a status frame, or skips it if the client is not reading. Any thread. */
  void status(String json) {
    context.runOnContext(v -> {
      if (ended || response.writeQueueFull()) return;
      response.write("event: status\ndata: " + json + "\n\n");
    });
  }

  private void offer(NodeEvent e) {
    context.runOnContext(v -> write(e));
  }

  private void write(NodeEvent e) {
    if (ended || e.seq() <= lastSent) return;
    if (response.writeQueueFull()) {
      // Dropping an event silently would leave a gap the client cannot see; ending the stream makes
      // it reconnect and fetch the missing ones by Last-Event-ID.
      response.end();
      end();
      return;
    }
    lastSent = e.seq();
    response.write("id: " + e.seq() + "\nevent: event\ndata: " + e.toJson().encode() + "\n\n");
  }

  /** Ends the stream from any thread; completes once the response is ended. */
  CompletableFuture<Void> shutdown() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      if (!ended) {
        response.end();
        end();
      }
      done.complete(null);
    });
    return done;
  }

  private void end() {
    if (ended) return;
    ended = true;
    onEnd.run();
  }
}
