package io.bellwether.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  @TempDir Path dir;

  @Test
  void nodeCertificateValidatesAgainstItsCaAndNamesTheNodeInAUri() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    IssuedCertificate node = ca.issue("n1", List.of("localhost", "127.0.0.1", "localhost"), Duration.ofHours(1));

    validate(node.certificate(), ca.certificate());
    assertThat(node.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=n1");
    // 6 = URI, 2 = DNS, 7 = IP; the node id is no DNS name: host names are not identities
    assertThat(node.certificate().getSubjectAlternativeNames())
        .extracting(n -> n.get(0) + " " + n.get(1))
        .containsExactly("6 urn:bellwether:node:n1", "2 localhost", "7 127.0.0.1");
    assertThat(node.certificate().getExtendedKeyUsage())
        .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // server and client auth
    assertThat(node.certificate().getBasicConstraints()).isEqualTo(-1);
    assertThat(node.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void clientCertificateIsForClientAuthenticationOnlyAndNamesNoNode() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    IssuedCertificate client = ca.issueClient("ops", Duration.ofHours(1));

    validate(client.certificate(), ca.certificate());
    assertThat(client.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=ops");
    assertThat(client.certificate().getSubjectAlternativeNames()).isNull();
    assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // client auth
    Instant past = Instant.now().minus(Duration.ofDays(2));
    assertThat(ca.issueClient("ops", past, past.plusSeconds(60)).certificate().getNotAfter().toInstant())
        .isEqualTo(past.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void nodeUriTakesOnlyNodeIds() {
    assertThat(CertificateAuthority.nodeUri("n-1.a_b")).isEqualTo("urn:bellwether:node:n-1.a_b");
    for (String bad : new String[] {"", "-n1", "n1,DNS:x", "n 1", "n1/x", "n1%41", "ops:n1", "ñ1"}) {
      assertThatThrownBy(() -> CertificateAuthority.nodeUri(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a node id");
    }
    assertThatThrownBy(() -> CertificateAuthority.create("ca", Duration.ofDays(1)).issue("n1:x", List.of(), Duration.ofHours(1)))
        .hasMessageContaining("not a node id");
  }

  @Test
  void certificateOfAnotherCaAndExpiredCertificateFailValidation() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("a", Duration.ofDays(1));
    CertificateAuthority other = CertificateAuthority.create("b", Duration.ofDays(1));
    IssuedCertificate foreign = other.issue("n1", List.of(), Duration.ofHours(1));
    Instant past = Instant.now().minus(Duration.ofDays(2));
    IssuedCertificate expired = ca.issue("n1", List.of(), past, past.plus(Duration.ofHours(1)));

    assertThatThrownBy(() -> validate(foreign.certificate(), ca.certificate()))
        .isInstanceOf(CertPathValidatorException.class);
    assertThatThrownBy(() -> validate(expired.certificate(), ca.certificate()))
        .isInstanceOf(CertPathValidatorException.class)
        .hasRootCauseInstanceOf(java.security.cert.CertificateExpiredException.class);
  }

  @Test
  void pemFilesRoundTripAndKeysAreOwnerOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));
    ca.writeTo(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    IssuedCertificate node = loaded.issue("n2", List.of(), Duration.ofHours(1));
    node.writeTo(dir.resolve("n2.pem"), dir.resolve("n2.key"));

    validate(PemFiles.readCertificate(dir.resolve("n2.pem")), PemFiles.readCertificate(dir.resolve("ca.pem")));
    assertThat(PemFiles.readPrivateKey(dir.resolve("n2.key")).getEncoded()).isEqualTo(node.privateKey().getEncoded());
    assertThat(Files.readString(dir.resolve("n2.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("n2.key")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
  }

  @Test
  void badFilesAreRefusedNamingTheFile() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));
    CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
    ca.writeTo(dir.resolve("ca.pem"), dir.resolve("ca.key"));
    other.writeTo(dir.resolve("other.pem"), dir.resolve("other.key"));
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> PemFiles.readCertificate(garbage)).hasMessageContaining(garbage.toString());
    assertThatThrownBy(() -> PemFiles.readCertificate(empty)).hasMessageContaining(empty.toString());
    assertThatThrownBy(() -> PemFiles.readPrivateKey(dir.resolve("ca.pem")))
        .hasMessageContaining(dir.resolve("ca.pem").toString());
    assertThatThrownBy(() -> PemFiles.readCertificate(dir.resolve("missing.pem")))
        .hasMessageContaining("missing.pem");
    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("other.key")))
        .hasMessageContaining("is not the private key");
    IssuedCertificate leaf = ca.issue("n1", List.of(), Duration.ofHours(1));
    leaf.writeTo(dir.resolve("leaf.pem"), dir.resolve("leaf.key"));
    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("leaf.pem"), dir.resolve("leaf.key")))
        .hasMessageContaining("not a CA certificate");
  }

  private static void validate(X509Certificate leaf, X509Certificate caCert) throws Exception {
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(caCert, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(path, params);
  }
}
