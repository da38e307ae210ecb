package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: every node serves the dashboard's files under {@code /ui} with the right content type,
 * {@code Cache-Control: no-cache} and a content security policy, to anyone (no token, even where
 * the API wants one), and nothing else: an unknown name is 404, and no path, however encoded,
 * reaches another file of the jar or the disk. Method: a one-node cluster in this JVM with a tokens
 * file, asked over real HTTP; the traversal attempts go over a raw socket, so that no client
 * normalizes the path first.
 */
class DashboardAssetsTest {

  @TempDir static Path dir;
  static TestCluster cluster;
  static BellwetherNode node;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(1, Credentials.in(dir).tokens());
    node = cluster.awaitLeader();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  @Test
  void thePageIsServedAtUiAndUiSlashWithoutAToken() throws Exception {
    for (String path : List.of("/ui", "/ui/")) {
      HttpResponse<String> page = Http.get(node.httpUrl() + path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
          .contains("default-src 'self'").contains("script-src 'self'");
      assertThat(page.body()).contains("id=\"members\"", "id=\"leader\"", "id=\"timeline\"", "/ui/app.js");
    }
    // The API itself still wants a token: the page is open, the data is not.
    assertThat(Http.get(node.httpUrl() + "/v1/cluster").statusCode()).isEqualTo(401);
  }

  @Test
  void everyFileHasItsContentTypeAndAnETagThatRevalidates() throws Exception {
    Map<String, String> types = Map.of("app.js", "text/javascript; charset=utf-8", "sse.js", "text/javascript; charset=utf-8",
        "app.css", "text/css; charset=utf-8");
    for (var e : types.entrySet()) {
      HttpResponse<String> r = Http.get(node.httpUrl() + "/ui/" + e.getKey());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).as(e.getKey()).hasValue(e.getValue());
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      String etag = r.headers().firstValue("ETag").orElseThrow();
      assertThat(Http.get(node.httpUrl() + "/ui/" + e.getKey(), "If-None-Match", etag).statusCode()).isEqualTo(304);
    }
  }

  @Test
  void everyFileOfTheResourceDirectoryIsServed() throws Exception {
    Path resources = Path.of(getClass().getClassLoader().getResource("io/bellwether/node/ui/index.html").toURI()).getParent();
    List<String> files;
    try (Stream<Path> list = Files.list(resources)) {
      files = list.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(5);
    for (String f : files) {
      assertThat(Http.get(node.httpUrl() + "/ui/" + f).statusCode()).as("GET /ui/" + f).isEqualTo(200);
    }
  }

  @Test
  void unknownNamesAre404() throws Exception {
    HttpResponse<String> r = Http.get(node.httpUrl() + "/ui/nothing.js");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("NOT_FOUND");
    assertThat(Http.get(node.httpUrl() + "/ui/app.js/").statusCode()).isEqualTo(404);
    assertThat(Http.get(node.httpUrl() + "/uix").statusCode()).isEqualTo(404);
  }

  @Test
  void noPathLeavesTheDashboardsFiles() throws Exception {
    // Files that exist on the class path or the disk, named every way a path can climb or nest.
    List<String> attempts = List.of("/ui/../logback.xml", "/ui/..%2flogback.xml", "/ui/%2e%2e/logback.xml",
        "/ui/%2e%2e%2flogback.xml", "/ui/..\\logback.xml", "/ui/io/bellwether/node/ui/app.js", "/ui//etc/passwd",
        "/ui/../../../../../../etc/passwd", "/ui/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/ui/app.js%00.html",
        "/ui/./app.js/../../logback.xml", "/ui/%252e%252e/logback.xml", "/ui/file:/etc/passwd", "/ui/ui/index.html");
    for (String path : attempts) {
      String answer = rawGet(path);
      String status = answer.substring(0, answer.indexOf("\r\n"));
      assertThat(status).as(path).matches("HTTP/1.1 (400|404) .*");
      assertThat(answer).as(path).doesNotContain("<configuration").doesNotContain("root:x:0:0");
    }
  }

  /** The whole answer to a GET of exactly {@code path}, over a fresh connection. */
  private static String rawGet(String path) throws IOException {
    String[] hostPort = node.httpUrl().substring("http://".length()).split(":");
    try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
