package io.bellwether.node;

import static io.bellwether.node.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.pki.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bellwether certs}: what it writes validates, and it never silently replaces a file. */
class CertsCommandTest {

  @TempDir Path dir;

  @Test
  void caNodeAndClientCertificatesChainToTheCa() throws Exception {
    Path tls = dir.resolve("tls");
    assertThat(run("certs", "ca", "--dir", tls.toString(), "--name", "test-ca").code()).isZero();
    CliTest.Run node = run("certs", "node", "n1", "--dir", tls.toString(), "--host", "db1.example.com", "--host", "10.0.0.7");
    assertThat(node.code()).as(node.err()).isZero();
    assertThat(node.out()).contains("CN=n1 [urn:bellwether:node:n1, localhost, 127.0.0.1, db1.example.com, 10.0.0.7]");
    CliTest.Run client = run("certs", "client", "ops", "--dir", tls.toString(), "--days", "30");
    assertThat(client.code()).as(client.err()).isZero();

    X509Certificate ca = PemFiles.readCertificate(tls.resolve("ca.pem"));
    validate(PemFiles.readCertificate(tls.resolve("n1.pem")), ca);
    validate(PemFiles.readCertificate(tls.resolve("ops.pem")), ca);
    assertThat(PemFiles.readPrivateKey(tls.resolve("n1.key")).getAlgorithm()).isEqualTo("EC");
    // A client certificate can never pass for a node: no node URI, no host names, client auth only.
    X509Certificate ops = PemFiles.readCertificate(tls.resolve("ops.pem"));
    assertThat(client.out()).contains("(CN=ops, valid 30 days)");
    assertThat(ops.getSubjectAlternativeNames()).isNull();
    assertThat(ops.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    CliTest.Run show = run("certs", "show", tls.resolve("n1.pem").toString());
    assertThat(show.out()).contains("CN=n1", "issuer CN=test-ca");
  }

  @Test
  void existingFilesAreKeptWithoutForce() throws Exception {
    Path tls = dir.resolve("tls");
    assertThat(run("certs", "ca", "--dir", tls.toString()).code()).isZero();
    String before = Files.readString(tls.resolve("ca.key"));

    CliTest.Run again = run("certs", "ca", "--dir", tls.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(tls.resolve("ca.pem").toString(), "--force");
    assertThat(Files.readString(tls.resolve("ca.key"))).isEqualTo(before);

    assertThat(run("certs", "node", "n1", "--dir", tls.toString()).code()).isZero();
    assertThat(run("certs", "node", "n1", "--dir", tls.toString()).code()).isEqualTo(1);
    assertThat(run("certs", "node", "n1", "--dir", tls.toString(), "--force").code()).isZero();
  }

  @Test
  void badCaFilesAndBadValuesAreRefusedNamingWhatIsWrong() throws Exception {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    CliTest.Run noCa = run("certs", "node", "n1", "--dir", tls.toString());
    assertThat(noCa.code()).isEqualTo(1);
    assertThat(noCa.err()).contains(tls.resolve("ca.pem").toString());

    Files.writeString(tls.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
    Files.writeString(tls.resolve("ca.key"), "not a key");
    CliTest.Run garbage = run("certs", "node", "n1", "--dir", tls.toString());
    assertThat(garbage.code()).isEqualTo(1);
    assertThat(garbage.err()).contains("ca.pem");
    assertThat(tls.resolve("n1.pem")).doesNotExist();

    CliTest.Run badId = run("certs", "node", "n1,DNS:x", "--dir", tls.toString());
    assertThat(badId.code()).isEqualTo(1);
    assertThat(badId.err()).contains("'n1,DNS:x' is not a node id");

    CliTest.Run days = run("certs", "ca", "--dir", dir.resolve("other").toString(), "--days", "0");
    assertThat(days.code()).isEqualTo(1);
    assertThat(days.err()).contains("--days");
  }

  private static void validate(X509Certificate leaf, X509Certificate ca) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
  }
}
