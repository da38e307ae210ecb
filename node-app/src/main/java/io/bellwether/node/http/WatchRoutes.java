package io.bellwether.node.http;

import io.bellwether.core.watch.WatchCompactedException;
import io.bellwether.core.watch.WatchPosition;
import io.bellwether.core.watch.Watcher;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /v1/watch}: a Server-Sent Events stream of the changes this node applies, for one key or
 * a prefix, from a position (see the node-app README for the stream's format and promises). Any node
 * serves it from its own history: watches spread over the cluster and never wait for the leader.
 */
final class WatchRoutes {

  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final Set<WatchStream> open = ConcurrentHashMap.newKeySet();

  void watch(RoutingContext ctx, NodeServices node) {
    MultiMap params = ctx.request().params();
    String key = single(params, "key");
    String prefix = single(params, "prefix");
    if (key != null && prefix != null) throw ApiError.badRequest("give key or prefix, not both");
    if (key == null && prefix == null) prefix = "";
    WatchPosition from = position(params, ctx.request().getHeader(LAST_EVENT_ID));
    if (open.size() >= node.watch().maxStreams()) {
      throw new ApiError(429, "OVERLOADED", "this node serves " + open.size() + " watch streams, its limit"
          + " (watch.max.streams); watch through another node or retry later");
    }
    WatchStream[] self = new WatchStream[1];
    WatchStream stream = new WatchStream(ctx.response(), ctx.vertx(), () -> open.remove(self[0]));
    self[0] = stream;
    Watcher watcher;
    try {
      watcher = node.watches().watch(key, prefix, from, stream.wakeup());
    } catch (WatchCompactedException e) {
      Replies.json(ctx, 410, new JsonObject().put("error", "COMPACTED").put("message", e.getMessage())
          .put("oldestIndex", e.oldestIndex()));
      return;
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
    open.add(stream);
    ctx.response().putHeader(Headers.NODE, node.nodeId());
    stream.start(watcher, node.watch().heartbeat());
  }

  /**
   * Ends every open stream with a last event telling its client to go elsewhere (the node stops), and
   * waits up to {@code timeoutMillis} for those events to be written.
   */
  void shutdown(long timeoutMillis) {
    CompletableFuture<?>[] ends = List.copyOf(open).stream().map(WatchStream::shutdown).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(ends).get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Stopping anyway: a stream that could not be told just ends when its connection closes.
    }
    open.clear();
  }

  /** How many streams are open. */
  int openStreams() {
    return open.size();
  }

  private static WatchPosition position(MultiMap params, String lastEventId) {
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        return WatchPosition.afterEventId(lastEventId);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("bad " + LAST_EVENT_ID + ": " + e.getMessage());
      }
    }
    String fromIndex = single(params, "fromIndex");
    if (fromIndex == null) return null;
    try {
      long index = Long.parseLong(fromIndex);
      if (index < 1) throw new NumberFormatException();
      return WatchPosition.from(index);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("fromIndex must be a log index >= 1, got '" + fromIndex + "'");
    }
  }

  private static String single(MultiMap params, String name) {
    List<String> all = params.getAll(name);
    if (all.size() > 1) throw ApiError.badRequest("parameter " + name + " given " + all.size() + " times");
    return all.isEmpty() ? null : all.get(0);
  }
}
