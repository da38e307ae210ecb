package io.bellwether.node.http;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a write that reached a follower to the leader's HTTP address, keeping its method, path,
 * query, body and headers, and relays the leader's answer as it is. The forwarded request carries
 * {@link Headers#FORWARDED_BY}, and a node never forwards such a request again, so two nodes that
 * each believe the other leads cannot bounce a request forever.
 *
 * <p>If the leader cannot be reached at all the write certainly did not happen (503); if the
 * connection breaks or times out after sending, it may have (504).
 */
final class Forwarder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Set<String> HOP_BY_HOP = Set.of(
      "host", "content-length", "connection", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer");

  private final HttpClient client;

  Forwarder(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
  }

  static boolean wasForwarded(RoutingContext ctx) {
    return ctx.request().getHeader(Headers.FORWARDED_BY) != null;
  }

  /** Forwards to {@code leaderId}; answers 503 when its HTTP address is unknown. */
  void forward(RoutingContext ctx, NodeServices services, String leaderId) {
    Endpoint target = services.discovery().lookup(leaderId).map(PeerAddress::http).orElse(null);
    if (target == null) {
      ctx.response().putHeader(Headers.LEADER, leaderId);
      Replies.error(ctx, new ApiError(503, "NOT_LEADER",
          "node " + services.nodeId() + " is not the leader; the leader is " + leaderId
              + " but its HTTP address is unknown"));
      return;
    }
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
    client.request(options)
        .recover(connectFailure -> {
          throw new ForwardException(true, connectFailure);
        })
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> relay(ctx, resp, b)))
        .onFailure(e -> {
          boolean notSent = e instanceof ForwardException fe ? fe.notSent : e instanceof ConnectException;
          Throwable cause = e instanceof ForwardException ? e.getCause() : e;
          LOG.debug("forwarding to leader {} at {} failed", leaderId, target, cause);
          if (notSent) {
            Replies.error(ctx, new ApiError(503, "NOT_LEADER", "node " + services.nodeId()
                + " is not the leader and could not reach leader " + leaderId + " at " + target + ": " + cause));
          } else {
            Replies.error(ctx, new ApiError(504, "OUTCOME_UNKNOWN", "forwarded to leader " + leaderId
                + " but got no answer (" + cause + "); the write may or may not have happened"));
          }
        });
  }

  private static Void relay(RoutingContext ctx, HttpClientResponse resp, Buffer body) {
    if (ctx.response().ended() || ctx.response().closed()) return null;
    ctx.response().setStatusCode(resp.statusCode());
    resp.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) ctx.response().putHeader(h.getKey(), h.getValue());
    });
    ctx.response().end(body);
    return null;
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
