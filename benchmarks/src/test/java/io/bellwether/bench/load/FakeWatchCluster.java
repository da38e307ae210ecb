package io.bellwether.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-test stand-in for a Bellwether cluster's watch and lease routes: members on loopback sharing one
 * log, {@code n1} the leader. A PUT gets the next log index, is written as an SSE event to every open
 * watch (in log order: under one lock) and answered {@code {"index": N}}. Knobs drop or repeat one
 * put's event on one stream, or end a stream with {@code SLOW_CONSUMER}; counters tell what was served.
 */
final class FakeWatchCluster implements AutoCloseable {

  private record Stream(int number, HttpServerResponse response, String prefix) { }

  private final List<HttpServer> servers = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  private final List<Stream> streams = new ArrayList<>();
  private long index = 1000;
  final AtomicInteger puts = new AtomicInteger();
  final AtomicInteger grants = new AtomicInteger();
  final AtomicInteger keepalives = new AtomicInteger();
  /** Lease ids granted; a keepalive of any other id is answered 404 LEASE_NOT_FOUND. */
  final Set<Long> leases = ConcurrentHashMap.newKeySet();
  final Set<Long> keptAlive = ConcurrentHashMap.newKeySet();
  /** The put (1-based count) whose event stream {@code dropOnStream} does not get; 0: none. */
  volatile int dropPut;
  volatile int dropOnStream;
  /** The put whose event stream {@code repeatOnStream} gets twice; 0: none. */
  volatile int repeatPut;
  volatile int repeatOnStream;
  /** After this put, stream {@code endOnStream} ends with an SLOW_CONSUMER error event; 0: never. */
  volatile int endAfterPut;
  volatile int endOnStream;

  FakeWatchCluster(Vertx vertx, int size) throws Exception {
    for (int i = 1; i <= size; i++) {
      String id = "n" + i;
      HttpServer s = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> handle(id, req)));
      ports.add(s.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
          .actualPort());
      servers.add(s);
    }
  }

  String endpoints() {
    return String.join(",", ports.stream().map(p -> "http://127.0.0.1:" + p).toList());
  }

  synchronized int streamCount() {
    return streams.size();
  }

  private void handle(String node, HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/v1/cluster")) {
      json(req, 200, "{\"node\":\"" + node + "\",\"role\":\"" + (node.equals("n1") ? "leader" : "follower")
          + "\",\"leader\":\"n1\",\"term\":2}");
    } else if (path.equals("/v1/watch")) {
      watch(req);
    } else if (path.startsWith("/v1/kv/") && req.method().name().equals("PUT")) {
      put(req, path.substring("/v1/kv/".length()));
    } else if (path.equals("/v1/leases") && req.method().name().equals("POST")) {
      grant(req);
    } else if (path.startsWith("/v1/leases/") && path.endsWith("/keepalive")) {
      long id = Long.parseLong(path.substring("/v1/leases/".length(), path.length() - "/keepalive".length()));
      keepalives.incrementAndGet();
      if (!leases.contains(id)) {
        json(req, 404, "{\"error\":\"LEASE_NOT_FOUND\",\"message\":\"fake\"}");
        return;
      }
      keptAlive.add(id);
      json(req, 200, "{\"id\":" + id + ",\"ttlSeconds\":600}");
    } else {
      json(req, 404, "{\"error\":\"NOT_FOUND\",\"message\":\"fake\"}");
    }
  }

  private synchronized void watch(HttpServerRequest req) {
    HttpServerResponse r = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
    Stream s = new Stream(streams.size() + 1, r, String.valueOf(req.getParam("prefix")));
    streams.add(s);
    r.write(": heartbeat\nid: " + index + "\n\n");
  }

  private synchronized void put(HttpServerRequest req, String key) {
    long i = ++index;
    int n = puts.incrementAndGet();
    String event = "id: " + i + "\ndata: {\"type\":\"put\",\"key\":\"" + key + "\",\"value\":\"dg==\",\"version\":" + i
        + ",\"index\":" + i + ",\"lease\":0}\n\n";
    for (Stream s : streams) {
      if (s.response.ended() || !key.startsWith(s.prefix)) continue;
      if (n == dropPut && s.number == dropOnStream) continue;
      // In two writes, so a client may see an event split across chunks.
      s.response.write(event.substring(0, 9));
      s.response.write(event.substring(9));
      if (n == repeatPut && s.number == repeatOnStream) s.response.write(event);
      if (n == endAfterPut && s.number == endOnStream) {
        s.response.end("event: error\ndata: {\"error\":\"SLOW_CONSUMER\",\"message\":\"fake\",\"resumeFrom\":\"" + i + "\"}\n\n");
      }
    }
    json(req, 200, "{\"key\":\"" + key + "\",\"version\":" + i + ",\"index\":" + i + "}");
  }

  private synchronized void grant(HttpServerRequest req) {
    long id = ++index;
    grants.incrementAndGet();
    leases.add(id);
    json(req, 200, "{\"id\":" + id + ",\"ttlSeconds\":600,\"index\":" + id + "}");
  }

  private static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  @Override
  public void close() {
    servers.forEach(HttpServer::close);
  }
}
