package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a run holds open: a Vert.x instance, a control client for look-ups, one HTTP client per
 * worker, the leader tracker and the router. Closing it closes them all.
 */
final class Harness implements AutoCloseable {

  final Vertx vertx;
  final Protocol protocol;
  final HttpClient control;
  final LeaderTracker tracker;
  final Router router;
  final List<Endpoint> endpoints;
  final Duration timeout;
  private final ClientSecurity security;
  private final List<HttpClient> clients = new ArrayList<>();

  Harness(Target target, List<Endpoint> endpoints, KeySpace keys, Consistency consistency, Duration timeout,
      ClientSecurity security) {
    this.protocol = Protocol.of(target, keys, consistency, security.authorization());
    this.security = security;
    // Event loops: one per core is enough for an I/O-bound client and leaves the rest to the nodes.
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
        .setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    this.endpoints = endpoints;
    this.timeout = timeout;
    this.control = vertx.httpClientBuilder()
        .with(security.apply(new HttpClientOptions().setConnectTimeout((int) Math.min(timeout.toMillis(), 2_000))))
        .with(new PoolOptions().setHttp1MaxSize(8))
        .build();
    Duration lookupTimeout = Duration.ofMillis(Math.min(timeout.toMillis(), 2_000));
    this.tracker = new LeaderTracker(protocol, control, endpoints, lookupTimeout, Duration.ofMillis(50));
    this.router = new Router(endpoints, tracker);
  }

  /**
   * A client that keeps at most one keep-alive connection per endpoint: one worker, one TCP
   * connection (two if its reads and writes go to different nodes). Over TLS the handshake happens
   * once per connection, when it opens (in the warm-up of a run that has one).
   */
  HttpClient connectionClient(int maxPerEndpoint) {
    HttpClient c = vertx.httpClientBuilder()
        .with(security.apply(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))))
        .with(new PoolOptions().setHttp1MaxSize(maxPerEndpoint))
        .build();
    synchronized (clients) {
      clients.add(c);
    }
    return c;
  }

  /**
   * Looks the leader up, retrying every 200 ms for at most {@code max}: a cluster that has just
   * started (or just lost a member) may still be electing.
   */
  Endpoint findLeader(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      try {
        return await(tracker.resolve(), timeout.plusSeconds(2));
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(e.getCause() == null ? e.toString() : e.getCause().getMessage());
        }
        Thread.sleep(200); // a retry interval, not a wait for a condition we could be told about
      }
    }
  }

  /** Blocks the calling (non-Vert.x) thread for the future's result. */
  static <T> T await(Future<T> future, Duration max) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    try {
      await(vertx.close(), Duration.ofSeconds(10));
    } catch (Exception e) {
      System.err.println("bellwether-bench: Vert.x did not close cleanly: " + e);
    }
  }
}
