package io.bellwether.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * An HTTP server that answers each request with the next scripted answer (the last one repeats) and
 * records what it received. For testing the client's retries without a cluster.
 */
final class FakeNode implements AutoCloseable {

  /** One scripted answer. */
  interface Answer {
    void answer(HttpExchange exchange) throws IOException;
  }

  record Received(String method, String uri, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  /** How many {@code GET /v1/cluster} the client made (answered 404, outside the script); null: scripted. */
  volatile java.util.concurrent.atomic.AtomicInteger clusterLookups = new java.util.concurrent.atomic.AtomicInteger();
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private volatile Answer last = json(500, "{\"error\":\"INTERNAL\",\"message\":\"no answer scripted\"}");
  private final HttpServer server;

  FakeNode() throws IOException {
    this(null, false);
  }

  /** With {@code tls} non-null: HTTPS, and with {@code needClientAuth}, a client certificate is required. */
  FakeNode(SSLContext tls, boolean needClientAuth) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls) {
        @Override
        public void configure(HttpsParameters params) {
          // Through SSLParameters: the JDK server ignores HttpsParameters.setNeedClientAuth alone.
          javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
          p.setNeedClientAuth(needClientAuth);
          params.setSSLParameters(p);
        }
      });
      server = https;
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String url() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers the next requests with {@code answers}, in order; the last one then repeats. */
  FakeNode then(Answer... answers) {
    for (Answer a : answers) script.add(a);
    return this;
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if (ex.getRequestURI().getPath().equals("/v1/cluster") && clusterLookups != null) {
      // The client asking who is who (to follow the leader) is not part of any script.
      clusterLookups.incrementAndGet();
      byte[] notFound = "{\"error\":\"NOT_FOUND\",\"message\":\"a fake node\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(404, notFound.length);
      ex.getResponseBody().write(notFound);
      ex.close();
      return;
    }
    received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()), body));
    Answer a = script.poll();
    if (a != null) last = a;
    try {
      last.answer(ex);
    } finally {
      ex.close();
    }
  }

  static Answer json(int status, String json) {
    return json(status, json, Map.of());
  }

  static Answer json(int status, String json, Map<String, String> headers) {
    return raw(status, "application/json", json, headers);
  }

  static Answer raw(int status, String contentType, String body, Map<String, String> headers) {
    return ex -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      headers.forEach(ex.getResponseHeaders()::set);
      ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) ex.getResponseBody().write(bytes);
    };
  }

  static Answer error(int status, String code) {
    return json(status, "{\"error\":\"" + code + "\",\"message\":\"scripted " + code + "\"}");
  }

  static Answer putOk(String key, long version) {
    return json(200, "{\"key\":\"" + key + "\",\"version\":" + version + ",\"index\":" + version + "}",
        Map.of("X-Bellwether-Node", "n1", "X-Bellwether-Applied-Index", Long.toString(version)));
  }

  /** Reads the request and closes the connection without answering: "broken after sending". */
  static Answer hangUp() {
    return ex -> ex.getHttpContext().getServer(); // ex.close() without sendResponseHeaders
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
