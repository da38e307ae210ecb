package io.bellwether.node.http;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.node.security.HttpTls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a write that reached a follower to the leader's HTTP address, keeping its method, path,
 * query, body and headers (the caller's {@code Authorization} among them: the leader checks the
 * caller's role again, so a follower never lends its own rights), and relays the leader's answer. The forwarded request carries
 * {@link Headers#FORWARDED_BY}, and a node never forwards such a request again, so two nodes that
 * each believe the other leads cannot bounce a request forever.
 *
 * <p>If the leader cannot be reached at all the write certainly did not happen (503). Once the
 * request may have reached the leader, the client hears "did not happen" only if the leader itself
 * said so in Bellwether's own words (see {@link #relayable}); a broken connection, a timeout, an
 * unreadable answer or any other status is 504: the write may or may not have happened.
 */
final class Forwarder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Set<String> HOP_BY_HOP = Set.of(
      "host", "content-length", "connection", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer");

  private final HttpClient client;

  /**
   * @param tls with HTTPS the leader is reached over HTTPS too (every node of a cluster serves the
   *     same scheme), trusting {@code http.tls.ca} and presenting this node's certificate; null: HTTP
   */
  Forwarder(Vertx vertx, HttpTls tls) {
    HttpClientOptions options = new HttpClientOptions().setConnectTimeout(2_000);
    if (tls != null) tls.applyTo(options);
    this.client = vertx.createHttpClient(options);
  }

  static boolean wasForwarded(RoutingContext ctx) {
    return ctx.request().getHeader(Headers.FORWARDED_BY) != null;
  }

  /** Forwards a write to {@code leaderId}; answers 503 when its HTTP address is unknown. */
  void forward(RoutingContext ctx, NodeServices services, String leaderId) {
    forward(ctx, services, leaderId, "write");
  }

  /**
   * Forwards a request that only the leader carries out ({@code what}: "write", "leadership
   * transfer"...) to {@code leaderId}, under the same rules as a write.
   */
  void forward(RoutingContext ctx, NodeServices services, String leaderId, String what) {
    forwardWhile(ctx, services, leaderId, what, answer -> false, 0, 0);
  }

  /**
   * As {@link #forward}, but sends the request again, after a pause that doubles from {@code
   * firstPauseMs}, while the leader's answer matches {@code again} and {@code deadlineNanos} (a
   * {@link System#nanoTime()} value) has not passed; then relays the last answer. For answers that
   * say "not yet" and certainly changed nothing, such as a new leader's 409 {@code CHANGE_IN_PROGRESS}
   * before it has committed an entry of its term.
   */
  void forwardWhile(RoutingContext ctx, NodeServices services, String leaderId, String what,
      Predicate<Answer> again, long deadlineNanos, long firstPauseMs) {
    Endpoint target = services.discovery().lookup(leaderId).map(PeerAddress::http).orElse(null);
    if (target == null) {
      ctx.response().putHeader(Headers.LEADER, leaderId);
      Replies.error(ctx, new ApiError(503, "NOT_LEADER",
          "node " + services.nodeId() + " is not the leader; the leader is " + leaderId
              + " but its HTTP address is unknown"));
      return;
    }
    exchange(ctx, services, target)
        .onSuccess(answer -> {
          if (again.test(answer) && System.nanoTime() + firstPauseMs * 1_000_000 - deadlineNanos < 0) {
            ctx.vertx().setTimer(firstPauseMs, t -> forwardWhile(ctx, services, leaderId, what, again, deadlineNanos,
                Math.min(firstPauseMs * 2, 500)));
            return;
          }
          relay(ctx, leaderId, what, answer);
        })
        .onFailure(e -> {
          // Only a failure to open the request proves nothing was sent. Whatever fails later (a
          // refused or reset connection included: a pooled connection may break after the request
          // was written) leaves the write's fate open.
          boolean notSent = e instanceof ForwardException;
          Throwable cause = e instanceof ForwardException ? e.getCause() : e;
          LOG.debug("forwarding to leader {} at {} failed", leaderId, target, cause);
          if (notSent) {
            Replies.error(ctx, new ApiError(503, "NOT_LEADER", "node " + services.nodeId()
                + " is not the leader and could not reach leader " + leaderId + " at " + target + ": " + cause));
          } else {
            Replies.error(ctx, ApiError.outcomeUnknown("forwarded to leader " + leaderId
                + " but got no answer (" + cause + "); the " + what + " may or may not have happened"));
          }
        });
  }

  /** Sends the request, with its headers and {@link Headers#FORWARDED_BY}, and reads the whole answer. */
  private Future<Answer> exchange(RoutingContext ctx, NodeServices services, Endpoint target) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    ctx.request().headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) headers.add(h.getKey(), h.getValue());
    });
    headers.set(Headers.FORWARDED_BY, services.nodeId());
    RequestOptions options = new RequestOptions()
        .setMethod(ctx.request().method())
        .setHost(target.host())
        .setPort(target.port())
        .setURI(ctx.request().uri())
        .setHeaders(headers)
        .setIdleTimeout(services.requestTimeout().toMillis() + 1_000);
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    return client.request(options)
        .recover(connectFailure -> {
          throw new ForwardException(true, connectFailure);
        })
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b)));
  }

  /** The leader's answer to a forwarded request, read whole. */
  record Answer(int status, MultiMap headers, Buffer body) {

    /** The API's error code in the body ({@code "error"}), or null. */
    String error() {
      try {
        return Json.decodeValue(body) instanceof JsonObject o && o.getValue("error") instanceof String code ? code : null;
      } catch (DecodeException e) {
        return null;
      }
    }
  }

  /** Passes the leader's answer on as it is if {@link #relayable}, else answers 504. */
  private static void relay(RoutingContext ctx, String leaderId, String what, Answer answer) {
    if (ctx.response().ended() || ctx.response().closed()) return;
    Buffer body = answer.body();
    if (!relayable(answer.status(), body)) {
      String text = body.length() > 200 ? body.getString(0, 200) + "..." : body.toString();
      Replies.error(ctx, ApiError.outcomeUnknown("forwarded to leader " + leaderId + ", which answered HTTP "
          + answer.status() + " '" + text.strip() + "': not an answer that says the " + what + " did not happen,"
          + " so it may or may not have happened"));
      return;
    }
    ctx.response().setStatusCode(answer.status());
    answer.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) ctx.response().putHeader(h.getKey(), h.getValue());
    });
    ctx.response().end(body);
  }

  /**
   * Whether the leader's answer to a forwarded write may reach the client as it is. The request did
   * reach the leader, so the client is told "did not happen" only when that is the leader's own
   * verdict: one of the statuses above with Bellwether's error body ({@code {"error": CODE, ...}}).
   * A success and a 504 are passed on too (neither claims "did not happen"). Anything else (a 500
   * from a bug, a 502 or 503 from a proxy on the way, a body that is not Bellwether's, a status the
   * API never uses) says nothing certain; passed on, a client would read most of them as "failed",
   * so they become 504.
   */
  static boolean relayable(int status, Buffer body) {
    if (status / 100 == 2 || status == 504) return true;
    return ApiError.WRITE_NOT_DONE_STATUSES.contains(status) && hasErrorCode(body);
  }

  private static boolean hasErrorCode(Buffer body) {
    try {
      Object json = Json.decodeValue(body);
      return json instanceof JsonObject o && o.getValue("error") instanceof String code && !code.isBlank();
    } catch (DecodeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** Marks a failure to even open the request (nothing reached the leader). */
  private static final class ForwardException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean notSent;

    ForwardException(boolean notSent, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.notSent = notSent;
    }
  }
}
