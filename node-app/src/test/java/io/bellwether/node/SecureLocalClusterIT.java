package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bellwether.node.security.TlsContexts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: {@code bellwether local-cluster --secure} is as easy as the plain one and really secure: it
 * creates a CA, node certificates and three tokens, every node runs peer TLS, HTTPS and token checks,
 * the URLs it prints are https, the tokens' roles hold (a reader cannot write, no token gets 401),
 * plain HTTP gets nothing, and {@code local-cluster add} still works (the new node gets a
 * certificate and joins with the admin token). Method: the command as a process from the test
 * classpath, driven over HTTPS trusting only the cluster's CA.
 */
class SecureLocalClusterIT {

  private static final Pattern NODE_LINE = Pattern.compile("(n\\d+)  (https?)://(\\S+)  peer");

  @TempDir Path dir;

  @BeforeAll
  static void needsTheVertxTransport() {
    assumeTrue(Modules.fromClasspath().hasTransport("vertx"), "transport 'vertx' is not on the classpath");
  }

  @Test
  void aSecureLocalClusterServesHttpsWithTokensAndGrows() throws Exception {
    Path data = dir.resolve("data");
    try (NodeProcess lc = NodeProcess.fromClasspath(dir.resolve("lc.out"), "local-cluster", "--secure",
        "--data-dir", data.toString())) {
      lc.awaitOutput("cluster ready", Duration.ofSeconds(90));
      String out = lc.output();
      Map<String, String> urls = urls(out);
      assertThat(urls).containsOnlyKeys("n1", "n2", "n3");
      assertThat(urls.values()).allMatch(u -> u.startsWith("https://"));
      Path ca = data.resolve("tls/ca.pem");
      assertThat(out).contains("secure: TLS and tokens", "curl --cacert " + ca);

      for (String f : new String[] {"tls/ca.key", "tls/n1.key", "tokens/admin.token", "tokens/write.token",
          "tokens/read.token", "tokens/tokens"}) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f)))).as(f).isEqualTo("rw-------");
      }
      String write = Files.readString(data.resolve("tokens/write.token")).strip();
      String read = Files.readString(data.resolve("tokens/read.token")).strip();
      assertThat(Files.readString(data.resolve("tokens/tokens"))).doesNotContain(write, read).contains("sha256:");
      for (String id : urls.keySet()) {
        assertThat(Files.readString(data.resolve("logs/" + id + ".log"))).as(id + "'s transport").contains("with TLS; tokens required)");
      }

      HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.client(ca, null, null))
          .sslParameters(TlsContexts.parameters()).connectTimeout(Duration.ofSeconds(2)).build();
      String n1 = urls.get("n1");
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> put(https, n1 + "/v1/kv/hello", "world", write).statusCode() == 200);
      assertThat(get(https, urls.get("n3") + "/v1/kv/hello", read).body()).isEqualTo("world");
      HttpResponse<String> readersWrite = put(https, urls.get("n2") + "/v1/kv/hello", "no", read);
      assertThat(readersWrite.statusCode()).as(readersWrite.body()).isEqualTo(403);
      assertThat(new JsonObject(readersWrite.body()).getString("error")).isEqualTo("FORBIDDEN");
      assertThat(get(https, n1 + "/v1/kv/hello", null).statusCode()).isEqualTo(401);
      assertThat(get(https, n1 + "/v1/kv/hello", "bw_not-a-token").statusCode()).isEqualTo(401);
      assertThat(get(https, n1 + "/v1/kv/hello", read).body()).as("refused writes changed nothing").isEqualTo("world");
      assertThat(get(https, n1 + "/health/ready", null).statusCode()).as("health stays open").isEqualTo(200);
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(n1.replace("https://", "http://")
          + "/v1/kv/hello")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()))
          .as("plain HTTP to the HTTPS port").isInstanceOf(IOException.class);

      CliTest.Run get = CliTest.run("get", "hello", "--url", urls.get("n2"), "--cacert", ca.toString(), "--token", read);
      assertThat(get.code()).as(get.err()).isZero();
      assertThat(get.out()).contains("world");
      CliTest.Run put = CliTest.run("put", "from-cli", "again", "--url", urls.get("n3"), "--cacert", ca.toString(),
          "--token-file", data.resolve("tokens/write.token").toString());
      assertThat(put.code()).as(put.err()).isZero();

      CliTest.Run add = CliTest.run("local-cluster", "add", "--data-dir", data.toString());
      assertThat(add.code()).as(add.out() + add.err()).isZero();
      assertThat(add.out()).contains("n4  https://");
      assertThat(data.resolve("tls/n4.pem")).exists();
      String n4 = urls(add.out()).get("n4");
      assertThat(get(https, n4 + "/v1/kv/hello?consistency=stale", read).body()).isEqualTo("world");
      lc.stop(Duration.ofSeconds(40));
    }
  }

  static Map<String, String> urls(String output) {
    Map<String, String> urls = new LinkedHashMap<>();
    Matcher m = NODE_LINE.matcher(output);
    while (m.find()) urls.put(m.group(1), m.group(2) + "://" + m.group(3));
    return urls;
  }

  private static HttpResponse<String> put(HttpClient c, String url, String value, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .PUT(HttpRequest.BodyPublishers.ofString(value));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient c, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
    if (token != null) b.header("Authorization", "Bearer " + token);
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
