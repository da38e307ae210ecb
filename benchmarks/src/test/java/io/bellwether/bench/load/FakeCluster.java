package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-test stand-ins for a 3-member Bellwether or etcd cluster on loopback: just the routes the load
 * tool uses, with counters of what each member served and knobs to make members fail, hang, lose
 * leadership or die.
 */
final class FakeCluster implements AutoCloseable {

  /** One member. */
  final class Node {
    final String id;
    final String memberId;
    HttpServer server;
    int port;
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger putsFailed = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger readsNotFound = new AtomicInteger();
    final AtomicInteger lookups = new AtomicInteger();
    final Set<String> readModes = ConcurrentHashMap.newKeySet();
    final AtomicLong firstPutNanos = new AtomicLong();
    final AtomicLong lastPutNanos = new AtomicLong();
    /** Answer every n-th PUT with 503 NO_LEADER (0: never). */
    volatile int failEvery;
    /** Never answer data requests (to provoke timeouts). */
    volatile boolean hang;
    volatile long pid = ProcessHandle.current().pid();
    /** The member's "process": once it has exited the member acts crashed. Null: never dies. */
    volatile Process process;

    Node(String id, String memberId) {
      this.id = id;
      this.memberId = memberId;
    }

    String url() {
      return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }
  }

  final Vertx vertx;
  final boolean etcd;
  /** The members serve HTTPS. */
  final boolean tls;
  /** When set, requests whose Authorization header differs are answered 401 and counted. */
  volatile String requiredAuthorization;
  final AtomicInteger unauthorized = new AtomicInteger();
  final List<Node> nodes = new ArrayList<>();
  final Map<String, byte[]> data = new ConcurrentHashMap<>();
  /** Per key, the writes that succeeded (were stored and acknowledged). */
  final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();
  /** The leader's node id; null while there is none. */
  volatile String leaderId;
  volatile long term = 3;
  /** Followers accept writes (Bellwether forwards them; etcd members forward proposals) while a leader exists. */
  volatile boolean followersForward;
  /** After this many PUTs served by the leader in total, leadership moves to {@link #nextLeader}. */
  volatile int flipAfterPuts = -1;
  volatile String nextLeader;
  private final AtomicInteger leaderPuts = new AtomicInteger();
  /**
   * A write is acknowledged this long after it arrives, and only if the leader is still alive then,
   * as a real commit needs the leader. It also makes the fake blind to the few microseconds between
   * a SIGKILL and the process's exit being visible, which would otherwise let a write "succeed"
   * after the kill.
   */
  volatile long commitDelayMs;

  FakeCluster(Vertx vertx, boolean etcd, int size) throws Exception {
    this(vertx, etcd, size, null);
  }

  /** {@code https}: the members' HTTPS options (certificate and key), or null for plain HTTP. */
  FakeCluster(Vertx vertx, boolean etcd, int size, HttpServerOptions https) throws Exception {
    this.vertx = vertx;
    this.etcd = etcd;
    this.tls = https != null;
    for (int i = 1; i <= size; i++) {
      Node n = new Node("n" + i, Long.toString(1000L + i));
      n.server = (https == null ? vertx.createHttpServer() : vertx.createHttpServer(https))
          .requestHandler(req -> handle(n, req));
      n.port = n.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
      nodes.add(n);
    }
    leaderId = "n1";
  }

  Node node(int oneBased) {
    return nodes.get(oneBased - 1);
  }

  String endpoints() {
    return String.join(",", nodes.stream().map(Node::url).toList());
  }

  int totalPuts() {
    return nodes.stream().mapToInt(n -> n.puts.get()).sum();
  }

  int totalPutsFailed() {
    return nodes.stream().mapToInt(n -> n.putsFailed.get()).sum();
  }

  int totalReads() {
    return nodes.stream().mapToInt(n -> n.reads.get()).sum();
  }

  /** Stops a member's server: new connections are refused. */
  void kill(Node n) throws Exception {
    n.server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void handle(Node n, HttpServerRequest req) {
    String required = requiredAuthorization;
    if (required != null && !required.equals(req.getHeader("Authorization"))) {
      unauthorized.incrementAndGet();
      json(req, 401, "{\"error\":\"UNAUTHORIZED\",\"message\":\"fake\"}");
      return;
    }
    req.body().onSuccess(body -> {
      String path = req.path();
      if (etcd) etcd(n, req, path, body);
      else bellwether(n, req, path, body);
    });
  }

  private void bellwether(Node n, HttpServerRequest req, String path, Buffer body) {
    if (path.equals("/v1/cluster")) {
      n.lookups.incrementAndGet();
      ObjectNode c = Json.MAPPER.createObjectNode().put("node", n.id)
          .put("role", n.id.equals(leaderId) ? "leader" : "follower").put("leader", leaderId).put("term", term);
      ArrayNode members = c.putArray("members");
      for (Node m : nodes) members.addObject().put("id", m.id).put("httpAddress", "127.0.0.1:" + m.port);
      json(req, 200, c.toString());
    } else if (path.equals("/health/live")) {
      json(req, 200, "{\"status\":\"live\",\"node\":\"" + n.id + "\",\"pid\":" + n.pid + "}");
    } else if (path.startsWith("/v1/kv/") && !n.hang) {
      String key = path.substring("/v1/kv/".length());
      if (req.method().name().equals("PUT")) {
        write(n, req, key, body.getBytes(), "{\"key\":\"" + key + "\",\"version\":7,\"index\":7}");
      } else {
        n.reads.incrementAndGet();
        n.readModes.add(String.valueOf(req.getParam("consistency")));
        byte[] v = data.get(key);
        if (v == null) {
          n.readsNotFound.incrementAndGet();
          json(req, 404, "{\"error\":\"NOT_FOUND\",\"message\":\"no key\"}");
        } else {
          req.response().setStatusCode(200).end(Buffer.buffer(v));
        }
      }
    }
  }

  private static boolean alive(Node n) {
    return n.process == null || n.process.isAlive();
  }

  private void write(Node n, HttpServerRequest req, String key, byte[] value, String okBody) {
    long now = System.nanoTime();
    int count = n.puts.incrementAndGet();
    n.firstPutNanos.compareAndSet(0, now);
    n.lastPutNanos.set(now);
    if (commitDelayMs > 0) vertx.setTimer(commitDelayMs, id -> decide(n, req, key, value, okBody, count));
    else decide(n, req, key, value, okBody, count);
  }

  private void decide(Node n, HttpServerRequest req, String key, byte[] value, String okBody, int count) {
    if (!alive(n)) {
      req.connection().close(); // a crashed member answers nothing
      return;
    }
    Node leader = nodes.stream().filter(m -> m.id.equals(leaderId)).findFirst().orElse(null);
    if (leader != null && !alive(leader)) leader = null;
    if (n.failEvery > 0 && count % n.failEvery == 0) {
      n.putsFailed.incrementAndGet();
      error(req, 503, "NO_LEADER", null);
      return;
    }
    boolean leading = leader == n;
    if (!leading && !(followersForward && leader != null)) {
      n.putsFailed.incrementAndGet();
      if (leader == null) error(req, 503, "NO_LEADER", null);
      else error(req, 503, "NOT_LEADER", leaderId);
      return;
    }
    if (leading && leaderPuts.incrementAndGet() == flipAfterPuts) {
      leaderId = nextLeader;
      term++;
    }
    data.put(key, value);
    stored.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    json(req, 200, okBody);
  }

  private void error(HttpServerRequest req, int status, String code, String leader) {
    if (etcd) {
      String message = code.equals("NO_LEADER") ? "etcdserver: no leader" : "etcdserver: not leader";
      json(req, status, "{\"error\":\"" + message + "\",\"code\":14,\"message\":\"" + message + "\"}");
      return;
    }
    if (leader != null) req.response().putHeader("X-Bellwether-Leader", leader);
    json(req, status, "{\"error\":\"" + code + "\",\"message\":\"fake\"}");
  }

  private void etcd(Node n, HttpServerRequest req, String path, Buffer body) {
    JsonNode in = Json.parseOrNull(body);
    Base64.Decoder b64 = Base64.getDecoder();
    switch (path) {
      case "/v3/maintenance/status" -> {
        n.lookups.incrementAndGet();
        String leaderMember = nodes.stream().filter(m -> m.id.equals(leaderId)).map(m -> m.memberId).findFirst()
            .orElse("0");
        json(req, 200, "{\"header\":{\"member_id\":\"" + n.memberId + "\",\"raft_term\":\"" + term + "\"},"
            + "\"leader\":\"" + leaderMember + "\",\"raftTerm\":\"" + term + "\"}");
      }
      case "/v3/kv/put" -> {
        if (n.hang) return;
        String key = new String(b64.decode(in.get("key").asText()), StandardCharsets.UTF_8);
        write(n, req, key, b64.decode(in.get("value").asText()), "{\"header\":{\"revision\":\"7\"}}");
      }
      case "/v3/kv/range" -> {
        if (n.hang) return;
        n.reads.incrementAndGet();
        n.readModes.add(in.path("serializable").asBoolean(false) ? "serializable" : "linearizable");
        String key = new String(b64.decode(in.get("key").asText()), StandardCharsets.UTF_8);
        byte[] v = data.get(key);
        if (v == null) {
          n.readsNotFound.incrementAndGet();
          json(req, 200, "{\"header\":{\"revision\":\"7\"}}");
        } else {
          json(req, 200, "{\"header\":{\"revision\":\"7\"},\"kvs\":[{\"key\":\"" + in.get("key").asText()
              + "\",\"value\":\"" + Base64.getEncoder().encodeToString(v) + "\"}],\"count\":\"1\"}");
        }
      }
      default -> json(req, 404, "{\"error\":\"Not Found\",\"code\":5,\"message\":\"Not Found\"}");
    }
  }

  private static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  @Override
  public void close() {
    for (Node n : nodes) n.server.close();
  }
}
