package io.bellwether.node.http;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.kv.LeaseCommand;
import io.bellwether.core.kv.LeaseKeeper;
import io.bellwether.core.kv.LeaseQueryResult;
import io.bellwether.core.kv.LeaseResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code /v1/leases}: grant, keep alive, revoke and look at leases. Grants and revocations are writes
 * (answered like one, forwarded to the leader); keepalives and a lease's time left are the leader's to
 * answer (only it keeps the clocks), so a follower forwards them too. Listing reads any node.
 */
final class LeaseRoutes {

  /** The largest grant body: {@code {"ttlSeconds": N}} with room to spare. */
  static final int MAX_BODY_BYTES = 1024;

  private final Forwarder forwarder;

  LeaseRoutes(Forwarder forwarder) {
    this.forwarder = forwarder;
  }

  void grant(RoutingContext ctx, NodeServices node) {
    long ttl = ttlSeconds(ctx.body() == null ? null : ctx.body().buffer());
    String idempotencyKey = Requests.writeOptions(ctx.request().headers()).idempotencyKey();
    answer(ctx, node, "lease grant", node.leases().grant(ttl, idempotencyKey), ApiError::ofWrite, grant -> {
      ctx.response().putHeader(Headers.APPLIED_INDEX, Long.toString(grant.index()));
      Replies.json(ctx, 200, new JsonObject().put("id", grant.id()).put("ttlSeconds", grant.ttlSeconds())
          .put("index", grant.index()));
    });
  }

  void keepAlive(RoutingContext ctx, NodeServices node) {
    long id = leaseId(ctx);
    answer(ctx, node, "lease keepalive", node.leases().keepAlive(id), ApiError::of, outcome -> {
      if (outcome == LeaseKeeper.KeepAlive.NOT_FOUND) {
        Replies.error(ctx, notFound(id));
        return;
      }
      Replies.json(ctx, 200, new JsonObject().put("id", id).put("ttlSeconds", node.leases().ttlSeconds(id)));
    });
  }

  void revoke(RoutingContext ctx, NodeServices node) {
    long id = leaseId(ctx);
    String idempotencyKey = Requests.writeOptions(ctx.request().headers()).idempotencyKey();
    answer(ctx, node, "lease revocation", node.leases().revoke(id, idempotencyKey), ApiError::ofWrite, result -> {
      ctx.response().putHeader(Headers.APPLIED_INDEX, Long.toString(result.index()));
      Replies.json(ctx, 200, new JsonObject().put("id", id).put("revoked", result.status() == LeaseResult.Status.OK)
          .put("index", result.index()).put("keysDeleted", result.keysDeleted()));
    });
  }

  void get(RoutingContext ctx, NodeServices node) {
    long id = leaseId(ctx);
    answer(ctx, node, "lease lookup", node.leases().info(id), ApiError::of, info -> {
      if (info == null) {
        Replies.error(ctx, notFound(id));
        return;
      }
      Replies.json(ctx, 200, new JsonObject().put("id", info.id()).put("ttlSeconds", info.ttlSeconds())
          .put("remainingMillis", info.remainingMillis()).put("keys", new JsonArray(info.keys())));
    });
  }

  void list(RoutingContext ctx, NodeServices node) {
    int limit = Requests.scanLimit(ctx.request().params());
    var consistency = Requests.consistency(ctx.request().params());
    Replies.onContext(ctx, node.leases().list(limit, consistency), ApiError::of, (result, failure) -> {
      if (failure != null) {
        Replies.error(ctx, failure);
        return;
      }
      JsonArray leases = new JsonArray();
      for (LeaseQueryResult.Lease l : result.leases()) {
        leases.add(new JsonObject().put("id", l.id()).put("ttlSeconds", l.ttlSeconds()));
      }
      ctx.response().putHeader(Headers.NODE, node.nodeId());
      Replies.json(ctx, 200, new JsonObject().put("leases", leases).put("more", result.more()));
    });
  }

  /**
   * Answers with {@code then} on success; on {@code NOT_LEADER} forwards to the leader (once); other
   * failures map through {@code failures} ({@link ApiError#ofWrite} for log writes, which may have
   * happened).
   */
  private <T> void answer(RoutingContext ctx, NodeServices node, String what, CompletableFuture<T> call,
      Function<Throwable, ApiError> failures, Consumer<T> then) {
    Replies.onContext(ctx, call, failures, (value, failure) -> {
      if (failure == null) {
        ctx.response().putHeader(Headers.NODE, node.nodeId());
        then.accept(value);
        return;
      }
      Throwable cause = ApiError.unwrap(failure);
      if (cause instanceof RequestFailedException rfe && rfe.leaderHint() != null) {
        if (rfe.reason() == RequestFailedException.Reason.NOT_LEADER && node.forwardWrites()
            && !Forwarder.wasForwarded(ctx)) {
          forwarder.forward(ctx, node, rfe.leaderHint(), what);
          return;
        }
        ctx.response().putHeader(Headers.LEADER, rfe.leaderHint());
      }
      Replies.error(ctx, failures.apply(failure));
    });
  }

  static ApiError notFound(long id) {
    return new ApiError(404, "LEASE_NOT_FOUND", "no lease " + id + " (it expired, was revoked, or never existed)");
  }

  private static long leaseId(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    try {
      long id = Long.parseLong(raw);
      if (id < 1) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("a lease id is a number >= 1, got '" + raw + "'");
    }
  }

  private static long ttlSeconds(Buffer body) {
    String expected = "expected a JSON object {\"ttlSeconds\": N}, N from 1 to " + LeaseCommand.MAX_TTL_SECONDS;
    if (body == null || body.length() == 0) throw ApiError.badRequest("no body: " + expected);
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw ApiError.badRequest("the body is not a JSON object: " + expected);
    }
    if (!json.fieldNames().equals(Set.of("ttlSeconds"))) {
      throw ApiError.badRequest("fields " + json.fieldNames() + ": " + expected);
    }
    Object ttl = json.getValue("ttlSeconds");
    if (!(ttl instanceof Integer || ttl instanceof Long)) throw ApiError.badRequest("ttlSeconds is not a whole number: " + expected);
    long seconds = ((Number) ttl).longValue();
    if (seconds < 1 || seconds > LeaseCommand.MAX_TTL_SECONDS) throw ApiError.badRequest("ttlSeconds is " + seconds + ": " + expected);
    return seconds;
  }
}
