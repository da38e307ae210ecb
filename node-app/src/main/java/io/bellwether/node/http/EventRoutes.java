package io.bellwether.node.http;

import io.bellwether.node.events.EventLog;
import io.bellwether.node.events.NodeEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/events}: a Server-Sent Events stream of this node's event log and, every {@value
 * #STATUS_INTERVAL_MS} ms, its status (the {@code GET /v1/cluster} body with the time and the writes
 * it answered in the interval). What the dashboard draws; see the node-app README for the frames.
 *
 * <p>One timer serves every open stream and runs only while some are open: the status is built once
 * per interval, and the write window is sampled by one reader (each sample takes the interval away).
 */
final class EventRoutes {

  static final long STATUS_INTERVAL_MS = 500;
  /** Streams one node serves at once: a dashboard opens one per member, so this is many dashboards. */
  static final int MAX_STREAMS = 64;

  private final WriteWindow writes;
  private final Set<EventStream> open = ConcurrentHashMap.newKeySet();
  private long timer = -1;

  EventRoutes(WriteWindow writes) {
    this.writes = writes;
  }

  void events(RoutingContext ctx, NodeServices node) {
    long after = after(ctx);
    if (open.size() >= MAX_STREAMS) {
      throw new ApiError(429, "OVERLOADED", "this node serves " + open.size()
          + " event streams, its limit; stream from another node or retry later");
    }
    EventLog log = node.events();
    EventStream[] self = new EventStream[1];
    EventStream stream = new EventStream(ctx.response(), ctx.vertx().getOrCreateContext(), after, () -> {
      open.remove(self[0]);
      log.unsubscribe(self[0].subscriber());
    });
    self[0] = stream;
    List<NodeEvent> missed = log.subscribe(after, stream.subscriber());
    open.add(stream);
    ctx.response().putHeader(Headers.NODE, node.nodeId());
    JsonObject hello = new JsonObject().put("node", node.nodeId()).put("clusterId", node.cluster().id())
        .put("time", System.currentTimeMillis()).put("lastSeq", log.lastSeq())
        .put("oldestSeq", log.oldestRetained());
    stream.start(hello, missed);
    stream.status(status(node, null).encode());
    startTimer(ctx.vertx(), node);
  }

  /** The position to resume after: the {@code Last-Event-ID} header, else {@code since}, else 0. */
  private static long after(RoutingContext ctx) {
    String raw = ctx.request().getHeader(WatchRoutes.LAST_EVENT_ID);
    String name = "Last-Event-ID";
    if (raw == null) {
      raw = ctx.request().getParam("since");
      name = "since";
    }
    if (raw == null || raw.isEmpty()) return 0;
    try {
      long v = Long.parseLong(raw.trim());
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be an event sequence number (a whole number >= 0), got '" + raw + "'");
    }
  }

  private static JsonObject status(NodeServices node, JsonObject writes) {
    return ClusterRoutes.clusterJson(node).put("time", System.currentTimeMillis())
        .put("writes", writes != null ? writes : new JsonObject().put("perSecond", 0.0).putNull("p99Ms"));
  }

  private synchronized void startTimer(Vertx vertx, NodeServices node) {
    if (timer >= 0) return;
    writes.sample(); // the first interval starts now
    timer = vertx.setPeriodic(STATUS_INTERVAL_MS, id -> {
      if (open.isEmpty()) {
        stopTimer(vertx);
        return;
      }
      String frame = status(node, writes.sample()).encode();
      for (EventStream s : open) s.status(frame);
    });
  }

  private synchronized void stopTimer(Vertx vertx) {
    if (timer >= 0 && open.isEmpty()) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Ends every open stream (the node stops), waiting up to {@code timeoutMillis}. */
  void shutdown(long timeoutMillis) {
    CompletableFuture<?>[] ends = List.copyOf(open).stream().map(EventStream::shutdown).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(ends).get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // The server's shutdown closes whatever is left.
    }
  }
}
