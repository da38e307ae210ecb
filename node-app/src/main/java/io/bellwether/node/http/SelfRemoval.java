package io.bellwether.node.http;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.node.metrics.LeaderTransferMetrics.Outcome;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code DELETE /v1/members/{id}} where {@code id} is the leader that got the request. Removed as
 * it stands, a leader leads on until the change commits and then steps down, and the others elect a
 * leader only after an election timeout of silence. So it first hands its leadership to the most
 * caught-up voter (as {@code POST /v1/leader/transfer} would) and then sends the removal to the new
 * leader, which carries it out as any removal of a follower: no election timeout, no write lost.
 *
 * <p>That second hop is a forward even when the request was itself forwarded to this node: the loop
 * guard ({@link Headers#FORWARDED_BY}) exists against two nodes that each believe the other leads,
 * and here this node knows it just handed over. The new leader never forwards it again, so a request
 * makes at most two hops. A new leader refuses changes (409 {@code CHANGE_IN_PROGRESS}) until it has
 * committed an entry of its term, a round trip after it won, so that answer is asked again with a
 * short pause until the request timeout; every other answer is relayed as a forwarded write's is.
 *
 * <p>What the client hears: 200 with the configuration without this node (its {@code leader} is the
 * new leader); 409 {@code CHANGE_IN_PROGRESS} at once, without a hand-over, while another change is
 * in flight; 503 {@code NO_LEADER} when the leadership could not be handed over (nothing removed; the
 * leadership may still move); with {@code http.forward.writes=false}, 503 {@code NOT_LEADER} naming the
 * new leader once the hand-over is done (nothing removed: send the request there).
 */
final class SelfRemoval {

  /** First pause before asking a new leader again; it doubles up to half a second. */
  private static final long FIRST_PAUSE_MS = 20;

  private final Forwarder forwarder;
  private final MemberRoutes routes;

  SelfRemoval(Forwarder forwarder, MemberRoutes routes) {
    this.forwarder = forwarder;
    this.routes = routes;
  }

  void run(RoutingContext ctx, NodeServices node) {
    String self = node.nodeId();
    if (node.status().membershipChangePending()) {
      // Refused at once, as the engine would: handing over first would move the leadership for nothing.
      throw new ApiError(409, Reason.CHANGE_IN_PROGRESS.name(), "the configuration at index "
          + node.status().membership().index() + " is not committed yet; retry once it is");
    }
    long deadline = System.nanoTime() + node.requestTimeout().toNanos();
    Replies.onContext(ctx, node.node().transferLeadership(null), SelfRemoval::notHandedOver, (leader, failure) -> {
      if (failure != null) {
        Throwable cause = ApiError.unwrap(failure);
        node.transfers().record(Outcome.ofFailure(cause));
        if (cause instanceof RequestFailedException rfe && rfe.reason() == Reason.NOT_LEADER
            && rfe.leaderHint() != null && node.forwardWrites()) {
          forwardRemoval(ctx, node, rfe.leaderHint(), deadline); // someone else leads already
          return;
        }
        Replies.error(ctx, notHandedOver(cause));
        return;
      }
      if (leader.equals(self)) { // no other voter could take over: remove it here, stepping down after
        routes.change(ctx, node, node.node().removeMember(self), null);
        return;
      }
      node.transfers().record(Outcome.MOVED);
      if (!node.forwardWrites()) {
        ctx.response().putHeader(Headers.LEADER, leader);
        Replies.error(ctx, new ApiError(503, Reason.NOT_LEADER.name(), "node " + self + " handed its leadership to "
            + leader + " before being removed, and does not forward requests (http.forward.writes=false): nothing"
            + " was removed; send the removal to " + leader));
        return;
      }
      forwardRemoval(ctx, node, leader, deadline);
    });
  }

  private void forwardRemoval(RoutingContext ctx, NodeServices node, String leader, long deadline) {
    // A leader of a moment ago refuses until it has committed an entry of its term, and may count as
    // not answering a follower it has not heard from yet since it won (its no-op can commit with the
    // old leader's acknowledgement alone): both go away within a heartbeat or two, so both are asked
    // again until the deadline; a follower that is really gone still gets the 409 then.
    forwarder.forwardWhile(ctx, node, leader, MemberRoutes.WHAT,
        answer -> answer.status() == 409 && (Reason.CHANGE_IN_PROGRESS.name().equals(answer.error())
            || Reason.QUORUM_AT_RISK.name().equals(answer.error())),
        deadline, FIRST_PAUSE_MS);
  }

  /** The hand-over failed or did not finish: the removal was never asked for. */
  private static ApiError notHandedOver(Throwable cause) {
    return new ApiError(503, Reason.NO_LEADER.name(), "the leader could not hand its leadership over before"
        + " removing itself (" + cause + "): nothing was removed, but the leadership may still move; retry"
        + " (GET /v1/cluster shows who leads)");
  }
}
