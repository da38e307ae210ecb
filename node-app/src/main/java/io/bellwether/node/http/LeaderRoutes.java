package io.bellwether.node.http;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.node.metrics.LeaderTransferMetrics.Outcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.TreeSet;

/**
 * {@code POST /v1/leader/transfer}: hands the leadership to the voter named in {@code {"to": ID}}, or
 * to the most caught-up voter when the body is empty or {@code {}}, and answers {@code {"leader",
 * "from"}} once the new leader leads. Only the leader can do it, so a follower forwards the request
 * to the leader it knows, under the rules of a forwarded write (a leadership transfer is, like a
 * write, something that may have happened when no answer comes back).
 */
final class LeaderRoutes {

  /** The largest request body: {@code {"to": "<64-character id>"}} with room to spare. */
  static final int MAX_BODY_BYTES = 1024;

  private static final String WHAT = "leadership transfer";

  private final Forwarder forwarder;

  LeaderRoutes(Forwarder forwarder) {
    this.forwarder = forwarder;
  }

  void transfer(RoutingContext ctx, NodeServices node) {
    String target = target(ctx.body() == null ? null : ctx.body().buffer());
    String from = node.nodeId();
    Replies.onContext(ctx, node.node().transferLeadership(target), LeaderRoutes::unknown, (leader, failure) -> {
      if (failure == null) {
        if (!leader.equals(from)) node.transfers().record(Outcome.MOVED);
        ctx.response().putHeader(Headers.NODE, from);
        Replies.json(ctx, 200, new JsonObject().put("leader", leader).put("from", from));
        return;
      }
      Throwable cause = ApiError.unwrap(failure);
      if (cause instanceof RequestFailedException rfe && rfe.leaderHint() != null) {
        if (rfe.reason() == RequestFailedException.Reason.NOT_LEADER && node.forwardWrites()
            && !Forwarder.wasForwarded(ctx)) {
          forwarder.forward(ctx, node, rfe.leaderHint(), WHAT); // the leader counts it
          return;
        }
        ctx.response().putHeader(Headers.LEADER, rfe.leaderHint());
      }
      node.transfers().record(Outcome.ofFailure(cause));
      Replies.error(ctx, answer(cause, target, node));
    });
  }

  private static ApiError answer(Throwable cause, String target, NodeServices node) {
    if (cause instanceof IllegalArgumentException) {
      return ApiError.badRequest("'" + target + "' is not a voter; the voters are "
          + String.join(", ", new TreeSet<>(node.status().voters())));
    }
    if (cause instanceof OutcomeUnknownException e) {
      return ApiError.outcomeUnknown(e.getMessage() + " (" + e.reason() + "; the leadership may still move:"
          + " GET /v1/cluster shows who leads)");
    }
    if (cause instanceof RequestFailedException) return ApiError.of(cause);
    return unknown(cause);
  }

  /** A failure nobody classified, after the node was asked: the leadership may have moved. */
  private static ApiError unknown(Throwable cause) {
    return ApiError.outcomeUnknown("the " + WHAT + " failed unexpectedly after it was handed to the node ("
        + cause + "); the leadership may or may not have moved: GET /v1/cluster shows who leads");
  }

  /**
   * The target in the body: null (the most caught-up voter) for an empty body, {@code {}} or {@code
   * {"to": null}}; else the string in {@code "to"}. Anything else is a 400 saying what is expected.
   */
  static String target(Buffer body) {
    if (body == null || body.toString().isBlank()) return null;
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiError.badRequest("the body is not valid JSON (" + e.getMessage() + "); expected {\"to\": \"<node id>\"},"
          + " {} or nothing");
    }
    if (!(json instanceof JsonObject o)) {
      throw ApiError.badRequest("the body must be a JSON object such as {\"to\": \"<node id>\"}, not " + body);
    }
    for (String field : o.fieldNames()) {
      if (!field.equals("to")) {
        throw ApiError.badRequest("unknown field '" + field + "' in the body; the only field is \"to\" (a node id)");
      }
    }
    Object to = o.getValue("to");
    if (to == null) return null;
    if (!(to instanceof String id) || id.isBlank()) {
      throw ApiError.badRequest("\"to\" must be a node id (a non-empty string), not " + Json.encode(to));
    }
    return id;
  }
}
