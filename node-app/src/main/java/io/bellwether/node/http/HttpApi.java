package io.bellwether.node.http;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.node.security.Gate;
import io.bellwether.node.security.HttpTls;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API v1 (see the node-app README): routes, error answers for every status vertx-web may
 * produce on its own (404, 405, 413, 400), request metrics, and the server's life cycle.
 *
 * <p>The server binds before the node is assembled (so the node can announce its real HTTP port);
 * until {@link #attach} is called every API route answers 503.
 *
 * <p>Every route passes the {@link Gate} first, before its body is read: a request without the role
 * the route needs is answered 401 or 403 and reaches nothing (see {@code AccessRules}). With {@link
 * HttpTls} the server speaks HTTPS only, TLS 1.2 and 1.3.
 */
public final class HttpApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String ROUTE_TAG = "bw.route";
  /** How often the tokens file is checked for changes. */
  static final long TOKEN_RELOAD_MS = 2_000;

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Forwarder forwarder;
  private final KvRoutes kv;
  private final LeaderRoutes leader;
  private final MemberRoutes members;
  private final LeaseRoutes leases;
  private final WatchRoutes watches = new WatchRoutes();
  private final WriteWindow writes = new WriteWindow();
  private final EventRoutes events = new EventRoutes(writes);
  private final UiAssets ui = UiAssets.load();
  private final Router router;
  private final HttpTls tls;
  private final Gate gate;
  private long reloadTimer = -1;
  private volatile NodeServices services;
  private volatile String listening;
  private HttpServer server;

  /** Plain HTTP, no tokens. @param maxValueBytes the request body limit: a larger body is refused with 413 */
  public HttpApi(Vertx vertx, PrometheusMeterRegistry registry, int maxValueBytes) {
    this(vertx, registry, maxValueBytes, null, Gate.open());
  }

  /**
   * @param maxValueBytes the request body limit: a larger body is refused with 413
   * @param tls HTTPS for this server and for forwarding to the leader, or null for plain HTTP
   * @param gate who may use which route
   */
  public HttpApi(Vertx vertx, PrometheusMeterRegistry registry, int maxValueBytes, HttpTls tls, Gate gate) {
    this.vertx = vertx;
    this.registry = registry;
    this.tls = tls;
    this.gate = gate;
    this.forwarder = new Forwarder(vertx, tls);
    this.kv = new KvRoutes(forwarder, registry, writes);
    this.leader = new LeaderRoutes(forwarder);
    this.members = new MemberRoutes(forwarder);
    this.leases = new LeaseRoutes(forwarder);
    this.router = buildRouter(maxValueBytes);
  }

  private Router buildRouter(int maxValueBytes) {
    Router r = Router.router(vertx);
    r.route().handler(this::measure);
    // Before the gate: a browser's preflight carries no credentials (see Cors).
    Cors cors = new Cors(() -> services, () -> listening);
    r.route("/v1/events").handler(cors::handle);
    r.route("/v1/cluster").handler(cors::handle);
    route(r.put("/v1/kv/*"), "kv_put", kv::put, BodyHandler.create(false).setBodyLimit(maxValueBytes));
    route(r.delete("/v1/kv/*"), "kv_delete", kv::delete, null);
    // The scan route goes first: the wildcard route below would also match "/v1/kv".
    route(r.get("/v1/kv"), "kv_scan", kv::scan, null);
    route(r.get("/v1/kv/*"), "kv_get", kv::get, null);
    route(r.get("/v1/cluster"), "cluster", ClusterRoutes::cluster, null);
    route(r.get("/v1/state/hash"), "state_hash", ClusterRoutes::stateHash, null);
    route(r.get("/v1/watch"), "watch", watches::watch, null);
    route(r.get("/v1/events"), "events", events::events, null);
    route(r.post("/v1/leases"), "lease_grant", leases::grant,
        BodyHandler.create(false).setBodyLimit(LeaseRoutes.MAX_BODY_BYTES));
    route(r.get("/v1/leases"), "lease_list", leases::list, null);
    route(r.post("/v1/leases/:id/keepalive"), "lease_keepalive", leases::keepAlive, null);
    route(r.get("/v1/leases/:id"), "lease_get", leases::get, null);
    route(r.delete("/v1/leases/:id"), "lease_revoke", leases::revoke, null);
    route(r.post("/v1/leader/transfer"), "leader_transfer", leader::transfer,
        BodyHandler.create(false).setBodyLimit(LeaderRoutes.MAX_BODY_BYTES));
    route(r.post("/v1/members"), "member_add", members::add,
        BodyHandler.create(false).setBodyLimit(MemberRequests.MAX_BODY_BYTES));
    route(r.post("/v1/members/:id/promote"), "member_promote", members::promote,
        BodyHandler.create(false).setBodyLimit(MemberRequests.MAX_BODY_BYTES));
    route(r.delete("/v1/members/:id"), "member_remove", members::remove, null);
    route(r.get("/health/live"), "health_live", ClusterRoutes::live, null);
    route(r.get("/health/ready"), "health_ready", ClusterRoutes::ready, null);
    r.get("/metrics").handler(ctx -> {
      ctx.put(ROUTE_TAG, "metrics");
      if (!admitted(ctx, "metrics")) return;
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
    });
    // The dashboard's static files: no role needed (they hold no data; the page asks the API for it
    // with the caller's token) and served before the node is attached. "/ui/*" also matches "/ui".
    r.get("/ui/*").handler(ctx -> {
      ctx.put(ROUTE_TAG, "ui");
      if (!admitted(ctx, "ui")) return;
      ui.serve(ctx, ctx.normalizedPath());
    });
    r.errorHandler(400, ctx -> Replies.error(ctx, failureOr(ctx, ApiError.badRequest("malformed request"))));
    r.errorHandler(404, ctx -> Replies.error(ctx, new ApiError(404, "NOT_FOUND",
        "no route for " + ctx.request().method() + " " + ctx.request().path())));
    r.errorHandler(405, ctx -> Replies.error(ctx, new ApiError(405, "METHOD_NOT_ALLOWED",
        ctx.request().method() + " is not allowed on " + ctx.request().path())));
    r.errorHandler(413, ctx -> Replies.error(ctx, new ApiError(413, "TOO_LARGE", tooLarge(ctx.get(ROUTE_TAG), maxValueBytes))));
    r.errorHandler(500, ctx -> {
      LOG.warn("unexpected error serving {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      Replies.error(ctx, ApiError.of(ctx.failure() == null ? new IllegalStateException("internal error") : ctx.failure()));
    });
    return r;
  }

  /** Which body limit a route has: only values may be as large as {@code max.value.bytes}. */
  private static String tooLarge(String route, int maxValueBytes) {
    if ("leader_transfer".equals(route)) {
      return "request body is over the limit of " + LeaderRoutes.MAX_BODY_BYTES + " bytes for this route";
    }
    if ("lease_grant".equals(route)) {
      return "request body is over the limit of " + LeaseRoutes.MAX_BODY_BYTES + " bytes for this route";
    }
    if ("member_add".equals(route) || "member_promote".equals(route)) {
      return "request body is over the limit of " + MemberRequests.MAX_BODY_BYTES + " bytes for this route";
    }
    return "request body is over the limit of " + maxValueBytes + " bytes (max.value.bytes)";
  }

  private static ApiError failureOr(RoutingContext ctx, ApiError fallback) {
    return ctx.failure() instanceof ApiError e ? e : fallback;
  }

  /**
   * Registers a route: tag it for metrics, optionally read the body, then run {@code handler} with
   * the node, turning bad input ({@link ApiError}, {@link IllegalArgumentException}) into JSON errors.
   */
  private void route(Route route, String name, BiConsumer<RoutingContext, NodeServices> handler, Handler<RoutingContext> body) {
    gate.rules().required(name); // a route without an access rule is a bug: fail at start-up
    // Tag first, so even a body refused by the BodyHandler (413) is counted under this route. The
    // gate goes before the body is read: a refused request costs no body buffering.
    route.handler(ctx -> {
      ctx.put(ROUTE_TAG, name);
      if (!admitted(ctx, name)) return;
      if (body != null) body.handle(ctx);
      else ctx.next();
    });
    route.handler(ctx -> {
      NodeServices node = services;
      if (node == null) {
        Replies.error(ctx, new ApiError(503, "SHUTTING_DOWN", "the node is starting or stopping"));
        return;
      }
      try {
        handler.accept(ctx, node);
      } catch (ApiError e) {
        Replies.error(ctx, e);
      } catch (IllegalArgumentException e) {
        Replies.error(ctx, ApiError.badRequest(e.getMessage()));
      }
    });
  }

  /**
   * Whether the gate lets this request through to {@code route}; if not, answers 401 (with {@code
   * WWW-Authenticate: Bearer}) or 403. The message names this node, so a client can tell a follower's
   * refusal from its leader's (a forwarded request is checked by both).
   */
  private boolean admitted(RoutingContext ctx, String route) {
    Gate.Verdict v = gate.check(route, ctx.request().getHeader("Authorization"));
    if (v.admitted()) return true;
    if (v.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"bellwether\"");
    }
    NodeServices node = services;
    String who = node == null ? "" : "node " + node.nodeId() + ": ";
    LOG.debug("refused {} {} ({}): {}", ctx.request().method(), ctx.request().path(), v.code(), v.message());
    Replies.error(ctx, new ApiError(v.status(), v.code(), who + v.message()));
    return false;
  }

  private void measure(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addBodyEndHandler(v -> {
      String route = ctx.get(ROUTE_TAG);
      Timer.builder("bellwether.http.requests")
          .description("HTTP requests by route, method and status")
          .tag("route", route == null ? "unmatched" : route)
          .tag("method", ctx.request().method().name())
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .register(registry)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }

  /** Binds the server and returns the endpoint it listens on (the real port when 0 was asked). */
  public Endpoint listen(Endpoint endpoint, Duration timeout) throws Exception {
    HttpServerOptions options = new HttpServerOptions().setMaxInitialLineLength(8192);
    if (tls != null) tls.applyTo(options);
    server = vertx.createHttpServer(options).requestHandler(router);
    server.listen(endpoint.port(), endpoint.host())
        .toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Endpoint bound = new Endpoint(endpoint.host(), server.actualPort());
    listening = bound.toString();
    return bound;
  }

  /** Starts serving the API from {@code node}. */
  public void attach(NodeServices node) {
    this.services = node;
    if (gate.enabled() && reloadTimer < 0) {
      // Token changes take effect within seconds, without a restart; reading the file blocks.
      reloadTimer = vertx.setPeriodic(TOKEN_RELOAD_MS, id -> vertx.executeBlocking(() -> gate.reloadIfChanged(), false));
    }
  }

  /** Whether this server speaks HTTPS. */
  public boolean https() {
    return tls != null;
  }

  /**
   * Stops taking requests and lets the ones in flight finish, for at most {@code grace}; then the
   * API answers 503 to anything left.
   */
  public void shutdown(Duration grace) {
    if (server == null) return;
    // Watch streams never finish on their own: tell them to go elsewhere, then wait for the rest.
    watches.shutdown(1_000);
    events.shutdown(1_000);
    try {
      server.shutdown(grace).toCompletionStage().toCompletableFuture()
          .get(grace.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("HTTP server did not shut down cleanly: {}", e.toString());
    }
    services = null;
  }

  @Override
  public void close() {
    if (reloadTimer >= 0) vertx.cancelTimer(reloadTimer);
    shutdown(Duration.ZERO);
    forwarder.close();
  }
}
