package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bellwether.node.cli.Main;
import io.bellwether.pki.CertificateAuthority;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: a node given a malformed certificate or key, for its peers or its clients, does not start:
 * {@code bellwether node} exits with 2 (bad configuration) and its message names the setting and the
 * file, before the node serves anything. Method: the node command in-process with the Vert.x transport.
 */
class TlsStartupTest {

  @TempDir Path dir;
  private Path ca;
  private Path cert;
  private Path key;
  private Path garbage;

  @BeforeEach
  void files() throws Exception {
    assumeTrue(Modules.fromClasspath().hasTransport("vertx"), "transport 'vertx' is not on the classpath");
    CertificateAuthority authority = CertificateAuthority.create("ca", Duration.ofDays(1));
    ca = dir.resolve("ca.pem");
    authority.writeTo(ca, dir.resolve("ca.key"));
    cert = dir.resolve("n1.pem");
    key = dir.resolve("n1.key");
    authority.issue("n1", List.of("127.0.0.1"), Duration.ofHours(1)).writeTo(cert, key);
    garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
  }

  record Run(int code, String err) {}

  private Run node(String... settings) {
    List<String> args = new ArrayList<>(List.of("node", "--node-id", "n1", "--voters", "n1", "--transport", "vertx",
        "--storage", "inmem", "--peer-listen", "127.0.0.1:" + TestCluster.freePort(), "--http-listen", "127.0.0.1:0"));
    for (String s : settings) args.addAll(List.of("--set", s));
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
    return new Run(code, err.toString());
  }

  @Test
  void aMalformedPeerCertificateOrKeyStopsTheNodeNamingTheFile() {
    Run badCert = node("transport.tls.cert=" + garbage, "transport.tls.key=" + key, "transport.tls.ca=" + ca);
    assertThat(badCert.code()).isEqualTo(2);
    assertThat(badCert.err()).contains(garbage.toString(), "transport.tls.cert");

    Run badKey = node("transport.tls.cert=" + cert, "transport.tls.key=" + garbage, "transport.tls.ca=" + ca);
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err()).contains(garbage.toString(), "transport.tls.key");

  }

  @Test
  void aMalformedHttpsCertificateOrKeyStopsTheNodeNamingTheFile() {
    Run badCert = node("http.tls.cert=" + garbage, "http.tls.key=" + key, "http.tls.ca=" + ca);
    assertThat(badCert.code()).isEqualTo(2);
    assertThat(badCert.err()).contains(garbage.toString(), "http.tls.cert");

    Run badKey = node("http.tls.cert=" + cert, "http.tls.key=" + garbage, "http.tls.ca=" + ca);
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err()).contains(garbage.toString(), "http.tls.key");
  }
}
