package io.bellwether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.pki.CertificateAuthority;
import io.bellwether.pki.IssuedCertificate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: HTTPS from PEM files works with the JDK alone: a CA to trust, a client certificate for a node
 * that requires one, keys in PKCS#8 and in OpenSSL's traditional EC and RSA forms; a refused handshake
 * is reported at once and not retried. Method: certificates from the pki module, a {@link FakeNode}
 * serving HTTPS with client authentication.
 */
class ClientTlsTest {

  @TempDir static Path dir;
  static Path ca;
  static Path serverCert;
  static Path serverKey;
  static Path clientCert;
  static Path clientKey;

  @BeforeAll
  static void certificates() throws IOException {
    CertificateAuthority authority = CertificateAuthority.create("client-test-ca", Duration.ofDays(1));
    ca = dir.resolve("ca.pem");
    authority.writeTo(ca, dir.resolve("ca-key.pem"));
    serverCert = dir.resolve("node.pem");
    serverKey = dir.resolve("node-key.pem");
    authority.issue("n1", List.of("127.0.0.1", "localhost"), Duration.ofHours(1)).writeTo(serverCert, serverKey);
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client-key.pem");
    authority.issueClient("app", Duration.ofHours(1)).writeTo(clientCert, clientKey);
  }

  /** The builder every client of this test starts from; {@link ShortLivedClientTlsTest} changes it. */
  BellwetherClientBuilder builder() {
    return BellwetherClient.builder();
  }

  @Test
  void aClientCertificateOpensANodeThatRequiresOne() throws Exception {
    SSLContext server = ClientTls.context(ca, serverCert, serverKey);
    try (FakeNode node = new FakeNode(server, true)) {
      node.then(FakeNode.putOk("k", 1));
      try (BellwetherClient client = builder().endpoints(node.url()).tls(ca, clientCert, clientKey).build()) {
        assertThat(client.put("k", new byte[] {1}).version()).isEqualTo(1);
      }
      try (BellwetherClient anonymous = builder().endpoints(node.url()).tls(ca, null, null)
          .retry(BellwetherClientRetryTest.FAST).build()) {
        int before = node.received.size();
        assertThatThrownBy(() -> anonymous.get("k", Consistency.STALE)).isExactlyInstanceOf(NotAppliedException.class);
        // With TLS 1.3 the node refuses a missing certificate after the client sent its request: to the
        // client that is a connection broken after sending, so a write cannot be called "not applied".
        assertThatThrownBy(() -> anonymous.put("k", new byte[] {1})).isInstanceOf(OutcomeUnknownException.class);
        assertThat(node.received).hasSize(before);
      }
    }
  }

  @Test
  void aNodeCertificateFromAnotherCaIsRefused() throws Exception {
    Path otherCa = dir.resolve("other-ca.pem");
    CertificateAuthority.create("other", Duration.ofDays(1)).writeTo(otherCa, dir.resolve("other-ca-key.pem"));
    try (FakeNode node = new FakeNode(ClientTls.context(ca, serverCert, serverKey), false);
        BellwetherClient client = builder().endpoints(node.url()).tls(otherCa, null, null).build()) {
      assertThatThrownBy(() -> client.get("k", Consistency.STALE))
          .isInstanceOf(NotAppliedException.class).hasMessageContaining("TLS handshake");
      assertThat(node.received).isEmpty();
    }
  }

  @Test
  void traditionalEcAndRsaKeysAreRead() throws Exception {
    IssuedCertificate issued = CertificateAuthority.create("x", Duration.ofDays(1)).issueClient("y", Duration.ofHours(1));
    Path ecCert = dir.resolve("ec.pem");
    Path ecKey = dir.resolve("ec-key.pem");
    issued.writeTo(ecCert, ecKey);
    Path sec1 = dir.resolve("ec-sec1.pem");
    writeSec1(sec1, (java.security.interfaces.ECPrivateKey) issued.privateKey());
    assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
    assertThat(((java.security.interfaces.ECPrivateKey) ClientTls.checkedKey(ecCert, sec1)).getS())
        .isEqualTo(((java.security.interfaces.ECPrivateKey) issued.privateKey()).getS());

    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair rsa = g.generateKeyPair();
    Path pkcs1 = dir.resolve("rsa.pem");
    writeTraditional(pkcs1, rsa.getPrivate());
    assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
    assertThat(PemKeys.read(pkcs1).getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
    assertThatThrownBy(() -> ClientTls.context(empty, null, null)).hasMessageContaining(empty.toString());
    assertThatThrownBy(() -> ClientTls.checkedKey(clientCert, serverKey))
        .hasMessageContaining("is not the private key of the certificate").hasMessageContaining(serverKey.toString());
    assertThatThrownBy(() -> builder().endpoints("https://127.0.0.1:1").tls(ca, clientCert, empty))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining(empty.toString());
    assertThat(ClientTls.parameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  /** SEC 1 with the curve named in [0], as OpenSSL writes it. */
  private static void writeSec1(Path file, java.security.interfaces.ECPrivateKey key) throws IOException {
    byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), null,
        org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1).getEncoded();
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", der));
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }

  private static void writeTraditional(Path file, java.security.PrivateKey key) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(key); // a bare key: BouncyCastle writes OpenSSL's traditional form
    }
    Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
  }
}
