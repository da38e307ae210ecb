package io.bellwether.node.http;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Writes answers. Call on the request's Vert.x context; {@link #onContext} gets there from the node's
 * thread.
 */
final class Replies {

  private Replies() {}

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) return;
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode() + "\n");
  }

  static void error(RoutingContext ctx, ApiError error) {
    json(ctx, error.status(), error.toJson());
  }

  static void error(RoutingContext ctx, Throwable failure) {
    error(ctx, ApiError.of(failure));
  }

  /**
   * Runs {@code then} on the request's context once {@code future} completes; if {@code then} throws,
   * answers with {@code onBug}'s mapping of what it threw.
   */
  static <T> void onContext(RoutingContext ctx, CompletableFuture<T> future,
      Function<Throwable, ApiError> onBug, BiConsumer<T, Throwable> then) {
    Context context = ctx.vertx().getOrCreateContext();
    future.whenComplete((value, failure) -> context.runOnContext(v -> {
      try {
        then.accept(value, failure);
      } catch (RuntimeException e) {
        Replies.error(ctx, onBug.apply(e));
      }
    }));
  }

  /**
   * Starts a Server-Sent Events answer: 200, chunked, no caching and no proxy buffering (each event
   * must reach the client when written), and a write queue of {@code queueBytes}, past which the
   * stream counts its client as not reading.
   */
  static void startEventStream(io.vertx.core.http.HttpServerResponse response, int queueBytes) {
    response.setChunked(true)
        .setStatusCode(200)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(queueBytes);
  }
}
