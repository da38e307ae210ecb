package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.pki.CertificateAuthority;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

// Goal: a certificate names node X only through the URI urn:bellwether:node:X, matched exactly; the
// CN, DNS names and URIs that merely resemble the marker name nobody. Method: self-signed
// certificates built with arbitrary names (what a foreign CA or openssl could issue).
class CertificateNamesTest {

  @Test
  void onlyTheExactNodeUriNamesANode() throws Exception {
    X509Certificate marked = certificate("CN=x", uri("urn:bellwether:node:n1"), uri("urn:bellwether:node:n2"));
    assertThat(CertificateNames.nodeIds(marked)).containsExactly("n1", "n2");
    assertThat(CertificateNames.names(marked, "n1")).isTrue();

    X509Certificate lookalikes = certificate("CN=n1",
        new GeneralName(GeneralName.dNSName, "n1"),
        new GeneralName(GeneralName.dNSName, "urn:bellwether:node:n1"), // right text, wrong type
        uri("URN:Bellwether:Node:n1"),
        uri("urn:bellwether:nodes:n1"),
        uri("urn:bellwether:node:"),
        uri("x-urn:bellwether:node:n1"),
        uri("urn:bellwether:node:n1x"));
    assertThat(CertificateNames.nodeIds(lookalikes)).containsExactly("n1x");
    assertThat(CertificateNames.names(lookalikes, "n1")).isFalse();
    assertThat(CertificateNames.nodeIds(certificate("CN=urn:bellwether:node:n1"))).isEmpty();
  }

  @Test
  void prefixIsTheOneThePkiIssues() {
    assertThat(CertificateNames.NODE_URI_PREFIX).isEqualTo(CertificateAuthority.NODE_URI_PREFIX);
  }

  private static GeneralName uri(String uri) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
  }

  private static X509Certificate certificate(String subject, GeneralName... names) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    X500Name name = new X500Name(subject);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, keys.getPublic());
    if (names.length > 0) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
