package io.bellwether.node.http;

import io.bellwether.core.Membership;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.node.membership.MembershipJson;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;

/**
 * The membership routes: {@code POST /v1/members} adds a learner, {@code POST
 * /v1/members/{id}/promote} makes a learner a voter, {@code DELETE /v1/members/{id}} removes a
 * member. Each answers 200 with the configuration that has the change once it is committed and
 * applied on the leader: {@code {"configIndex", "members": [{"id", "voter", "peerAddress",
 * "httpAddress"}], "leader"}}, {@code leader} being the node that carried it out.
 *
 * <p>Only the leader changes the configuration, so a follower forwards these requests under the
 * rules of a forwarded write: a change whose answer is lost may have happened (504), and only the
 * leader's own refusal is relayed as one (409 {@code CHANGE_IN_PROGRESS}, {@code NOT_CAUGHT_UP},
 * {@code CONFLICT}, {@code LAST_VOTER}, {@code QUORUM_AT_RISK}; 404 {@code NOT_A_MEMBER}). Asking again for what is already
 * so (the same learner, promoting a voter) is a 200 that changes nothing, so a retry after a 504 is
 * safe. The leader's removal of itself is {@link SelfRemoval}'s.
 */
final class MemberRoutes {

  static final String WHAT = "membership change";

  private final Forwarder forwarder;
  private final SelfRemoval selfRemoval;

  MemberRoutes(Forwarder forwarder) {
    this.forwarder = forwarder;
    this.selfRemoval = new SelfRemoval(forwarder, this);
  }

  void add(RoutingContext ctx, NodeServices node) {
    var learner = MemberRequests.learner(ctx.body() == null ? null : ctx.body().buffer());
    change(ctx, node, node.node().addLearner(learner), null);
  }

  void promote(RoutingContext ctx, NodeServices node) {
    String id = MemberRequests.memberId(ctx.pathParam("id"));
    MemberRequests.requireNoInput(ctx.body() == null ? null : ctx.body().buffer());
    change(ctx, node, node.node().promote(id), id);
  }

  void remove(RoutingContext ctx, NodeServices node) {
    String id = MemberRequests.memberId(ctx.pathParam("id"));
    NodeStatus s = node.status();
    if (id.equals(node.nodeId()) && s.role() == Role.LEADER && s.membership().voters().size() > 1) {
      selfRemoval.run(ctx, node); // hand over first, so the removal costs no election
      return;
    }
    change(ctx, node, node.node().removeMember(id), null);
  }

  /**
   * Answers with the outcome of a change asked of this node: the configuration, a forward to the
   * leader, or the error.
   *
   * @param promoted the learner being promoted (its lag goes into a NOT_CAUGHT_UP answer), or null
   */
  void change(RoutingContext ctx, NodeServices node, CompletableFuture<Membership> future, String promoted) {
    Replies.onContext(ctx, future, MemberRoutes::unknown, (configuration, failure) -> {
      if (failure == null) {
        ctx.response().putHeader(Headers.NODE, node.nodeId());
        Replies.json(ctx, 200, MembershipJson.toJson(configuration).put("leader", node.nodeId()));
        return;
      }
      Throwable cause = ApiError.unwrap(failure);
      if (cause instanceof RequestFailedException rfe && rfe.leaderHint() != null) {
        if (rfe.reason() == Reason.NOT_LEADER && node.forwardWrites() && !Forwarder.wasForwarded(ctx)) {
          forwarder.forward(ctx, node, rfe.leaderHint(), WHAT);
          return;
        }
        ctx.response().putHeader(Headers.LEADER, rfe.leaderHint());
      }
      ApiError error = answer(cause);
      if (promoted != null && cause instanceof RequestFailedException refused && refused.reason() == Reason.NOT_CAUGHT_UP) {
        error = error.with("lag", lag(node.status(), promoted));
      }
      Replies.error(ctx, error);
    });
  }

  /**
   * How far {@code learner} is behind this leader's log, as far as the leader knows (its whole log
   * when it has not answered yet); null when this node tracks no such follower.
   */
  static Long lag(NodeStatus s, String learner) {
    Long match = s.matchIndexes().get(learner);
    return match == null ? null : Math.max(0, s.lastIndex() - match);
  }

  static ApiError answer(Throwable cause) {
    if (cause instanceof OutcomeUnknownException e) {
      return ApiError.outcomeUnknown(e.getMessage() + " (" + e.reason() + "; the " + WHAT + " may or may not have"
          + " happened: GET /v1/cluster shows the configuration, and asking again is safe)");
    }
    if (cause instanceof RequestFailedException) return ApiError.of(cause);
    return unknown(cause);
  }

  /** A failure nobody classified, after the node was asked: the change may have happened. */
  static ApiError unknown(Throwable cause) {
    return ApiError.outcomeUnknown("the " + WHAT + " failed unexpectedly after it was handed to the node (" + cause
        + "); it may or may not have happened: GET /v1/cluster shows the configuration");
  }
}
