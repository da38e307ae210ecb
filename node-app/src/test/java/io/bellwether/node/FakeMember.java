package io.bellwether.node;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A one-member "cluster" on loopback as the dashboard sees it, with the event stream scripted by
 * the test: it serves the dashboard's files from the class path, a {@code GET /v1/cluster} that names
 * only itself (id {@link #ID}), and answers each {@code GET /v1/events} with the next {@link Script}
 * queued (or, when none is, a stream of status frames until the member is closed). With a {@link
 * #token} set, an events request without it is answered 401 and takes no script. The headers of
 * every events request are recorded, in order.
 */
final class FakeMember implements AutoCloseable {

  static final String ID = "f1";

  /** How to answer one events request. */
  interface Script {
    void answer(HttpExchange exchange) throws IOException;
  }

  /** The headers of each {@code GET /v1/events}, in the order they came. */
  final BlockingQueue<Headers> eventRequests = new LinkedBlockingQueue<>();
  final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
  /** The bearer token events requests must carry, or null for none. */
  volatile String token;

  private final HttpServer server;
  private volatile boolean closed;
  /** Opened by {@link #close}: ends the status streams at once instead of at their next frame. */
  private final CountDownLatch closing = new CountDownLatch(1);

  FakeMember() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-member");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/ui", this::ui);
    server.createContext("/v1/cluster", ex -> send(ex, 200, "application/json", status(1).encode()));
    server.createContext("/v1/events", ex -> {
      eventRequests.add(ex.getRequestHeaders());
      if (token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        refuse(401).answer(ex);
        return;
      }
      Script next = scripts.poll();
      (next != null ? next : statusForever()).answer(ex);
    });
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  String url() {
    return "http://" + address();
  }

  /** What a node's status frame holds (its GET /v1/cluster), for a leader in {@code term}. */
  JsonObject status(long term) {
    JsonObject self = new JsonObject().put("id", ID).put("voter", true).put("peerAddress", "127.0.0.1:1")
        .put("httpAddress", address()).put("role", "leader").put("matchIndex", 12).put("lag", 0);
    return new JsonObject().put("clusterName", "fake").put("clusterId", "fake-0123456789abcdef").put("node", ID)
        .put("role", "leader").put("term", term).put("leader", ID).put("commitIndex", 12).put("appliedIndex", 12)
        .put("firstIndex", 1).put("lastIndex", 12)
        .put("snapshot", new JsonObject().put("index", 0).put("bytes", 0).put("sent", 0).put("taken", 0).put("installed", 0))
        .put("running", true).put("configIndex", 1).put("changePending", false).put("members", new JsonArray().add(self))
        .put("time", System.currentTimeMillis())
        .put("writes", new JsonObject().put("perSecond", 0.0).putNull("p99Ms"));
  }

  static Script refuse(int status) {
    return ex -> {
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"bellwether\"");
      send(ex, status, "application/json", "{\"error\":\"UNAUTHENTICATED\",\"message\":\"scripted\"}\n");
    };
  }

  /** Writes {@code pieces} as separate chunks, each flushed, then ends the stream. */
  static Script streamThenClose(String... pieces) {
    return ex -> {
      ex.getResponseHeaders().add("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        for (String p : pieces) {
          out.write(p.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    };
  }

  /** A hello, then a status frame every 300 ms until the browser or {@link #close} ends it. */
  private Script statusForever() {
    return ex -> {
      ex.getResponseHeaders().add("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(("event: hello\ndata: " + hello(7).encode() + "\n\n").getBytes(StandardCharsets.UTF_8));
        while (!closed) {
          out.write(("event: status\ndata: " + status(3).encode() + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          // The frame rate, as a node's status interval; returns early once the member closes.
          if (closing.await(300, java.util.concurrent.TimeUnit.MILLISECONDS)) break;
        }
      } catch (IOException | InterruptedException gone) {
        // the browser went away
      }
    };
  }

  JsonObject hello(long lastSeq) {
    return new JsonObject().put("node", ID).put("clusterId", "fake-0123456789abcdef")
        .put("time", System.currentTimeMillis()).put("lastSeq", lastSeq);
  }

  private void ui(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String name = path.equals("/ui") || path.equals("/ui/") ? "index.html" : path.substring("/ui/".length());
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("io/bellwether/node/ui/" + name)) {
      if (in == null || name.contains("/")) {
        send(ex, 404, "text/plain", "no such file\n");
        return;
      }
      String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
      send(ex, 200, type + "; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed = true;
    closing.countDown();
    server.stop(0);
  }
}
