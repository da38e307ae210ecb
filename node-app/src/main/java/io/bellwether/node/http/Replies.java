package io.bellwether.node.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes answers. Call on the request's Vert.x context. */
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
}
