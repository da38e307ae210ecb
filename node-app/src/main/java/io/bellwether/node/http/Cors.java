package io.bellwether.node.http;

import io.bellwether.core.Member;
import io.bellwether.core.spi.PeerAddress;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.function.Supplier;

/**
 * Cross-origin access to the routes the dashboard reads ({@code GET /v1/events} and {@code GET
 * /v1/cluster}) from the other members' origins, and from none else. The dashboard page is loaded
 * from one member but streams from every member, and must keep streaming from the others once the
 * one it came from is gone; a browser allows that only if each member names the page's origin.
 *
 * <p>An origin is allowed when its host and port are this node's HTTP address or a current member's
 * (as {@code GET /v1/cluster} lists them). A preflight ({@code OPTIONS}) is answered here without
 * credentials, as browsers send it; the request that follows passes the gate as usual, and its
 * refusal (401) carries the CORS headers too, so the page can read it and ask for a token.
 */
final class Cors {

  private static final String ALLOWED_HEADERS = "Authorization, Last-Event-ID";

  private final Supplier<NodeServices> services;
  private final Supplier<String> self;

  /** @param self this node's HTTP address ({@code host:port}), or null before it listens */
  Cors(Supplier<NodeServices> services, Supplier<String> self) {
    this.services = services;
    this.self = self;
  }

  void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    boolean allowed = origin != null && allowed(origin);
    if (allowed) {
      ctx.response().putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Access-Control-Expose-Headers", Headers.NODE);
    }
    ctx.response().putHeader("Vary", "Origin");
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      if (allowed) {
        ctx.response().putHeader("Access-Control-Allow-Methods", "GET")
            .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
            .putHeader("Access-Control-Max-Age", "600");
      }
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }

  private boolean allowed(String origin) {
    String address;
    try {
      URI uri = new URI(origin);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) return false;
      if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) return false;
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      address = uri.getHost() + ":" + port;
    } catch (Exception e) {
      return false;
    }
    if (address.equals(self.get())) return true;
    NodeServices node = services.get();
    if (node == null) return false;
    for (Member m : node.status().membership().members()) {
      PeerAddress known = node.discovery().lookup(m.id()).orElse(null);
      String http = known != null && known.http() != null ? known.http().toString() : m.http();
      if (address.equals(http)) return true;
    }
    return false;
  }
}
