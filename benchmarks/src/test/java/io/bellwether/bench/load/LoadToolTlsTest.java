package io.bellwether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bellwether.pki.CertificateAuthority;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bellwether-bench load} over HTTPS: it trusts only the CA given with {@code --ca}, sends
 * the bearer token of {@code --token-file} on every request to Bellwether, speaks HTTPS to etcd's
 * gateway too, and refuses options that do not fit the endpoints.
 */
class LoadToolTlsTest {

  private static final String TOKEN = "s3cret-token-for-tests";

  private static Vertx vertx;
  @TempDir
  static Path pki;
  private static HttpServerOptions https;
  private final List<FakeCluster> clusters = new ArrayList<>();
  @TempDir
  Path dir;

  @BeforeAll
  static void startVertxAndIssueCertificates() throws Exception {
    vertx = Vertx.vertx();
    CertificateAuthority ca = CertificateAuthority.create("bench-test-ca", Duration.ofDays(1));
    ca.writeTo(pki.resolve("ca.pem"), pki.resolve("ca.key"));
    ca.issue("n1", List.of("localhost", "127.0.0.1"), Duration.ofDays(1))
        .writeTo(pki.resolve("n1.pem"), pki.resolve("n1.key"));
    CertificateAuthority other = CertificateAuthority.create("other-ca", Duration.ofDays(1));
    other.writeTo(pki.resolve("other-ca.pem"), pki.resolve("other-ca.key"));
    Files.writeString(pki.resolve("token"), TOKEN + "\n");
    https = new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(pki.resolve("n1.pem").toString()).setKeyPath(pki.resolve("n1.key").toString()));
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeClusters() {
    clusters.forEach(FakeCluster::close);
  }


  private FakeCluster cluster(boolean etcd) throws Exception {
    FakeCluster c = new FakeCluster(vertx, etcd, 3, https);
    clusters.add(c);
    return c;
  }

  private BenchRun.Result run(String... args) throws Exception {
    return BenchRun.run(dir, args);
  }

  private static String file(String name) {
    return pki.resolve(name).toString();
  }

  @Test
  void bellwetherOverHttpsSendsTheBearerTokenOnEveryRequest() throws Exception {
    FakeCluster c = cluster(false);
    c.requiredAuthorization = "Bearer " + TOKEN;

    BenchRun.Result r = run("load", "--endpoints", c.endpoints(), "--ca", file("ca.pem"), "--token-file", file("token"),
        "--connections", "3", "--duration", "500ms", "--warmup", "0");

    assertThat(r.code()).isZero();
    // The leader look-up (GET /v1/cluster) and every PUT carried the token: the fake refused nothing.
    assertThat(c.unauthorized.get()).isZero();
    assertThat(r.json().get("ops").asLong()).isPositive().isEqualTo(c.node(1).puts.get());
    assertThat(r.json().get("errorCount").asLong()).isZero();
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);
  }

  @Test
  void withoutTheTokenTheSameClusterRefusesEveryWrite() throws Exception {
    FakeCluster c = cluster(false);
    c.requiredAuthorization = "Bearer " + TOKEN;

    // --write-to first: no leader look-up, which would be refused and retried for 10 s.
    BenchRun.Result r = run("load", "--endpoints", c.endpoints(), "--ca", file("ca.pem"), "--write-to", "first",
        "--connections", "1", "--duration", "300ms", "--warmup", "0");

    assertThat(r.code()).isZero();
    assertThat(r.json().get("ops").asLong()).isZero();
    assertThat(r.json().get("errors").get("401 UNAUTHORIZED").asLong()).isPositive();
  }

  @Test
  void anEndpointWhoseCertificateTheGivenCaDidNotSignIsNeverWrittenTo() throws Exception {
    FakeCluster c = cluster(false);

    BenchRun.Result r = run("load", "--endpoints", c.endpoints(), "--ca", file("other-ca.pem"), "--write-to", "first",
        "--connections", "1", "--duration", "300ms", "--warmup", "0", "--error-backoff", "20ms");

    assertThat(r.code()).isZero();
    assertThat(r.json().get("ops").asLong()).isZero();
    assertThat(r.json().get("errors").get("tls handshake failed").asLong()).isPositive()
        .isEqualTo(r.json().get("errorCount").asLong());
    assertThat(c.totalPuts()).isZero();
  }

  @Test
  void etcdOverHttpsTrustingTheCa() throws Exception {
    FakeCluster c = cluster(true);

    BenchRun.Result r = run("load", "--target", "etcd", "--endpoints", c.endpoints(), "--ca", file("ca.pem"),
        "--connections", "2", "--duration", "400ms", "--warmup", "0");

    assertThat(r.code()).isZero();
    assertThat(r.json().get("ops").asLong()).isPositive().isEqualTo(c.node(1).puts.get());
    assertThat(r.json().get("errorCount").asLong()).isZero();
  }

  @Test
  void optionsThatDoNotFitTheEndpointsAreRefusedByName() throws Exception {
    BenchRun.Result caOverHttp = run("load", "--endpoints", "http://127.0.0.1:1", "--ca", file("ca.pem"));
    assertThat(caOverHttp.code()).isEqualTo(2);
    assertThat(caOverHttp.err()).contains("--ca").contains("https://");

    BenchRun.Result tokenForEtcd = run("load", "--target", "etcd", "--endpoints", "https://127.0.0.1:1",
        "--token-file", file("token"));
    assertThat(tokenForEtcd.code()).isEqualTo(2);
    assertThat(tokenForEtcd.err()).contains("--token-file");

    BenchRun.Result mixed = run("load", "--endpoints", "https://127.0.0.1:1,http://127.0.0.1:2");
    assertThat(mixed.code()).isEqualTo(2);
    assertThat(mixed.err()).contains("mix of http:// and https://");

    Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
    BenchRun.Result emptyToken = run("load", "--endpoints", "https://127.0.0.1:1", "--token-file", empty.toString());
    assertThat(emptyToken.code()).isEqualTo(2);
    assertThat(emptyToken.err()).contains(empty.toString()).contains("empty");

    BenchRun.Result notPem = run("load", "--endpoints", "https://127.0.0.1:1", "--ca", file("token"));
    assertThat(notPem.code()).isEqualTo(2);
    assertThat(notPem.err()).contains("--ca").contains("no PEM certificate").doesNotContain(TOKEN);
  }
}
