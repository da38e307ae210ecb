package io.bellwether.node.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The training run of the class-data sharing archive of the one-call commands, which {@code
 * bin/bellwether} makes once per jar ({@code -XX:ArchiveClassesAtExit}, then {@code
 * -XX:SharedArchiveFile} on every client command). A command's time is mostly loading classes;
 * from an archive they come parsed and verified, which takes about 0.1 s off {@code get} and 0.17 s
 * off {@code put} on a 2-core machine (docs/BENCHMARKS.md, "The command line").
 *
 * <p>So that the archive holds what every one of {@link ClientMain}'s commands loads, answers
 * included (the JSON of a write's result and of {@code status}), this runs each against a stand-in
 * node on loopback that answers as a node does, with the output thrown away. It reads and writes
 * nothing else and exits 0 whatever the commands returned; the archive it leaves is only ever a
 * speed-up (a JVM that cannot use it loads the classes from the jar).
 */
final class ClientTraining {

  private static final String CLUSTER = "{\"node\":\"n1\",\"role\":\"leader\",\"term\":1,\"leader\":\"n1\","
      + "\"commitIndex\":2,\"appliedIndex\":2,\"members\":[{\"id\":\"n1\",\"role\":\"leader\","
      + "\"httpAddress\":\"127.0.0.1:1\",\"peerAddress\":\"127.0.0.1:2\",\"matchIndex\":2,\"lag\":0}]}";

  private ClientTraining() {}

  public static void main(String[] args) throws IOException {
    HttpServer node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    node.createContext("/", ClientTraining::answer);
    node.start();
    PrintStream out = System.out;
    PrintStream err = System.err;
    try (PrintStream discard = new PrintStream(OutputStream.nullOutputStream())) {
      System.setOut(discard);
      System.setErr(discard);
      String url = "http://127.0.0.1:" + node.getAddress().getPort();
      ClientMain.run("put", "training", "value", "--url", url);
      ClientMain.run("get", "training", "--url", url);
      ClientMain.run("delete", "training", "--url", url);
      ClientMain.run("scan", "training", "--url", url);
      ClientMain.run("status", "--url", url);
      ClientMain.run("get", "missing", "--url", url);
    } finally {
      System.setOut(out);
      System.setErr(err);
      node.stop(0);
    }
    System.exit(0);
  }

  /** What a node answers, in its shapes: JSON results, a raw value, an error in the API's format. */
  private static void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    ex.getRequestBody().readAllBytes();
    if (path.equals("/v1/cluster")) {
      send(ex, 200, "application/json", CLUSTER);
    } else if (path.endsWith("/missing")) {
      send(ex, 404, "application/json", "{\"error\":\"NOT_FOUND\",\"message\":\"no such key\"}");
    } else if (method.equals("GET") && ex.getRequestURI().getQuery() != null
        && ex.getRequestURI().getQuery().contains("prefix")) {
      send(ex, 200, "application/json", "{\"appliedIndex\":1,\"node\":\"n1\",\"entries\":[{\"key\":\"training\","
          + "\"value\":\"dmFsdWU=\",\"version\":1}],\"more\":false}");
    } else if (method.equals("GET")) {
      ex.getResponseHeaders().set("ETag", "\"1\"");
      send(ex, 200, "application/octet-stream", "value");
    } else {
      send(ex, 200, "application/json", "{\"key\":\"training\",\"version\":1,\"index\":1}");
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("X-Bellwether-Node", "n1");
    ex.getResponseHeaders().set("X-Bellwether-Applied-Index", "1");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(bytes);
    }
  }
}
