package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.node.membership.JoinException;
import io.bellwether.node.security.TlsContexts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: with {@code http.tls.*} the API speaks HTTPS only, with the configured certificate, and with
 * {@code http.tls.client.auth=required} refuses clients without a certificate signed by {@code
 * http.tls.ca}; the nodes reach each other over HTTPS too (a write through a follower, a node that
 * joins with {@code membership.join.token.file}); and the CLI works against it with {@code
 * --cacert}, {@code --cert}/{@code --key} and {@code --token}, saying clearly what went wrong
 * otherwise. Method: a 3-node cluster in this JVM (TCP transport, for the joiner) with HTTPS,
 * required client certificates and tokens; certificates from a test CA.
 */
class HttpsApiTest {

  @TempDir static Path dir;
  static Credentials creds;
  static TestCluster cluster;
  static HttpClient withCert;

  @BeforeAll
  static void start() throws Exception {
    creds = Credentials.in(dir);
    Map<String, String> s = new LinkedHashMap<>(creds.https("required"));
    s.putAll(creds.tokens());
    s.put("transport", "vertx");
    cluster = TestCluster.start(3, s);
    cluster.awaitLeader();
    withCert = creds.httpsClient(true);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  static String url(String node) {
    return cluster.node(node).httpUrl();
  }

  @Test
  void theApiServesHttpsToAClientWithACertificate() throws Exception {
    assertThat(url("n1")).startsWith("https://");
    HttpResponse<String> r = Credentials.send(withCert, "GET", url("n1") + "/v1/cluster", null, creds.reader);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Credentials.send(withCert, "GET", url("n1") + "/v1/cluster", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void aClientWithoutACertificateIsRefusedWhenOneIsRequired() throws Exception {
    HttpClient noCert = creds.httpsClient(false);
    assertThatThrownBy(() -> Credentials.send(noCert, "GET", url("n1") + "/health/live", null, null))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheCaFailsTheHandshake() {
    HttpClient jvmTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> Credentials.send(jvmTrust, "GET", url("n1") + "/health/live", null, null))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttpToTheHttpsPortGetsNoAnswer() {
    String plain = url("n1").replace("https://", "http://");
    assertThatThrownBy(() -> Http.get(plain + "/health/live")).isInstanceOf(IOException.class);
  }

  @Test
  void aTls12ClientIsServedAndTheServerOffersNothingOlder() throws Exception {
    HttpClient tls12 = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .sslContext(TlsContexts.client(creds.ca, creds.clientCert, creds.clientKey))
        .sslParameters(new SSLParameters(null, new String[] {"TLSv1.2"})).build();
    assertThat(Credentials.send(tls12, "GET", url("n2") + "/health/live", null, null).statusCode()).isEqualTo(200);
    io.vertx.core.http.HttpServerOptions options = new io.vertx.core.http.HttpServerOptions();
    cluster.node("n1").config().security().tls().applyTo(options);
    assertThat(options.getEnabledSecureTransportProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
  }

  @Test
  void aWriteThroughAFollowerIsForwardedOverHttps() throws Exception {
    BellwetherNode follower = cluster.aFollower();
    HttpResponse<String> r = Credentials.send(withCert, "PUT", follower.httpUrl() + "/v1/kv/over-https", "v", creds.writer);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Bellwether-Node")).isNotEqualTo(java.util.Optional.of(follower.nodeId()));
  }

  @Test
  void aNodeJoinsOverHttpsWithItsJoinToken() throws Exception {
    Path adminToken = dir.resolve("join-token");
    Files.writeString(adminToken, "# the admin token\n" + creds.admin + "\n");
    Map<String, String> s = JoinClusterTest.joiner(cluster, "n4", url("n2"));
    s.putAll(creds.https("required"));
    s.putAll(creds.tokens());
    s.put("membership.join.token.file", adminToken.toString());
    try (BellwetherNode n4 = JoinClusterTest.start(s)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> n4.status().learner());
      HttpResponse<String> removed = Credentials.send(withCert, "DELETE", url("n1") + "/v1/members/n4", null, creds.admin);
      assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    }
  }

  @Test
  void aJoiningNodeWithoutAnAdminTokenIsRefused() {
    Map<String, String> s = JoinClusterTest.joiner(cluster, "n5", url("n3"));
    s.putAll(creds.https("required"));
    s.put("membership.join.timeout", "1s");
    assertThatThrownBy(() -> JoinClusterTest.start(s)).isInstanceOf(JoinException.class).hasMessageContaining("401");
    assertThat(cluster.node("n1").status().membership().contains("n5")).isFalse();
  }

  static CliTest.Run cli(String... args) {
    return CliTest.run(args);
  }

  @Test
  void theCliPutsAndGetsOverHttpsWithCaCertificateAndToken() {
    String[] tls = {"--url", url("n2"), "--cacert", creds.ca.toString(), "--cert", creds.clientCert.toString(),
        "--key", creds.clientKey.toString()};
    CliTest.Run put = cli(concat(new String[] {"put", "cli/k", "v1", "--token", creds.writer}, tls));
    assertThat(put.code()).as(put.err()).isZero();
    assertThat(put.out()).startsWith("OK cli/k version=");
    CliTest.Run get = cli(concat(new String[] {"get", "cli/k", "--token", creds.reader}, tls));
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(get.out()).isEqualTo("v1\n");

    CliTest.Run noToken = cli(concat(new String[] {"put", "cli/k", "v2"}, tls));
    assertThat(noToken.code()).isEqualTo(1); // certainly not written
    assertThat(noToken.err()).contains("UNAUTHENTICATED").contains("--token");
    CliTest.Run reader = cli(concat(new String[] {"delete", "cli/k", "--token", creds.reader}, tls));
    assertThat(reader.code()).isEqualTo(1);
    assertThat(reader.err()).contains("FORBIDDEN").doesNotContain(creds.reader);
    assertThat(cli(concat(new String[] {"get", "cli/k", "--token", creds.reader}, tls)).out()).isEqualTo("v1\n");

    CliTest.Run untrusted = cli("put", "cli/k", "v3", "--url", url("n2"), "--token", creds.writer);
    assertThat(untrusted.code()).isEqualTo(1);
    assertThat(untrusted.err()).contains("TLS handshake").contains("--cacert").doesNotContain(creds.writer);
  }

  @Test
  void tokenCreatePrintsATokenOnceAndStoresItsHash() throws Exception {
    Path file = dir.resolve("cli-tokens");
    CliTest.Run made = cli("token", "create", "--role", "write", "--name", "deploy", "--file", file.toString());
    assertThat(made.code()).as(made.err()).isZero();
    String token = made.out().strip();
    assertThat(token).startsWith("bw_");
    assertThat(Files.readString(file)).startsWith("write deploy sha256:").doesNotContain(token);
    assertThat(io.bellwether.node.security.TokenTable.load(file).lookup(token)).isPresent();
    assertThat(cli("token", "create", "--role", "root", "--name", "x", "--file", file.toString()).code()).isEqualTo(2);
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
