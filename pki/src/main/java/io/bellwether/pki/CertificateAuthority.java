package io.bellwether.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's certificate authority: the key that signs every node's and client's certificate, and
 * the self-signed certificate that every node trusts ({@code transport.tls.ca}, {@code http.tls.ca}).
 *
 * <p>Keys are ECDSA on P-256 and signatures SHA256withECDSA. Two kinds of leaf certificate:
 *
 * <ul>
 *   <li>a <b>node</b> certificate ({@link #issue}) names its node id in the subject CN and, what the
 *       transport actually checks, in one URI subject alternative name {@code
 *       urn:bellwether:node:<id>} ({@link #nodeUri}); it lists the host names and IP addresses the
 *       node is reached by as DNS and IP alternative names (for HTTPS host name verification), and may
 *       be used for TLS server and client authentication, since a node is both with its peers;
 *   <li>a <b>client</b> certificate ({@link #issueClient}) names its holder in the CN only, has no
 *       alternative names and may be used for TLS client authentication only: it can call a node's
 *       HTTPS API but never pass for a node or serve as one.
 * </ul>
 *
 * <p>The node-id marker is a URI rather than the CN or a DNS name because those are shared: a
 * client's CN, or a host name given to another node, could otherwise equal a node id.
 *
 * <p>Instances are immutable and thread-safe. Nothing here touches the disk unless asked to.
 */
public final class CertificateAuthority {

  /**
   * What a node certificate's URI subject alternative name starts with; the rest is the node id,
   * exactly. Peers accept a certificate as node {@code X} only when it holds the URI {@code
   * urn:bellwether:node:X}.
   */
  public static final String NODE_URI_PREFIX = "urn:bellwether:node:";

  /**
   * Node ids the marker can carry: the characters of {@code node.id}, all of which a URN takes
   * unescaped, so the URI is the prefix followed by the id byte for byte.
   */
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /**
   * A new CA with a fresh key, valid from an hour ago (clock skew between machines) for {@code
   * validity}.
   *
   * @param name the CA's common name, for example "bellwether-ca local-3f9a"
   */
  public static CertificateAuthority create(String name, Duration validity) {
    KeyPair keys = newKeyPair();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X500Name subject = subject(name);
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0)); // signs leaves only
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(sign(b, keys.getPrivate()), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /**
   * The CA whose certificate and key are in these PEM files (as written by {@link #writeTo}).
   *
   * @throws IOException naming the file that cannot be read, or when the key does not belong to the
   *     certificate or the certificate is not a CA's
   */
  public static CertificateAuthority load(Path certificatePem, Path keyPem) throws IOException {
    X509Certificate cert = PemFiles.readCertificate(certificatePem);
    PrivateKey key = PemFiles.readPrivateKey(keyPem);
    if (cert.getBasicConstraints() < 0) {
      throw new IOException(certificatePem + " is not a CA certificate (no basic constraints CA:true)");
    }
    CertificateAuthority ca = new CertificateAuthority(cert, key);
    try { // a leaf signed with this key must verify against this certificate
      ca.issue("key-check", List.of(), Duration.ofMinutes(1)).certificate().verify(cert.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException(keyPem + " is not the private key of the CA certificate " + certificatePem, e);
    }
    return ca;
  }

  /** The CA's own certificate: what every node and client trusts. */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The URI subject alternative name that marks a certificate as node {@code nodeId}'s: {@code
   * urn:bellwether:node:<nodeId>}.
   *
   * @throws IllegalArgumentException if {@code nodeId} is not a valid node id (1 to 255 letters,
   *     digits, '.', '_' or '-', starting with a letter or digit)
   */
  public static String nodeUri(String nodeId) {
    if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("not a node id (letters, digits, '.', '_' or '-', starting with a letter or digit): '"
          + nodeId + "'");
    }
    return NODE_URI_PREFIX + nodeId;
  }

  /**
   * Issues a node certificate valid from an hour ago for {@code validity} (see the class comment).
   *
   * @param nodeId the node's id: the CN and the {@link #nodeUri} marker
   * @param hosts host names and IP literals the node is reached by (subject alternative names)
   * @throws IllegalArgumentException if {@code nodeId} is not a node id or a host is empty
   */
  public IssuedCertificate issue(String nodeId, List<String> hosts, Duration validity) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return issue(nodeId, hosts, now.minus(Duration.ofHours(1)), now.plus(validity));
  }

  /**
   * Issues a node certificate valid from {@code notBefore} to {@code notAfter}; a window in the past
   * gives an expired certificate, which is what tests of refusal need.
   *
   * @throws IllegalArgumentException if {@code nodeId} is not a node id, a host is empty or the
   *     window is empty
   */
  public IssuedCertificate issue(String nodeId, List<String> hosts, Instant notBefore, Instant notAfter) {
    String marker = nodeUri(nodeId);
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, marker));
    names.addAll(hostNames(hosts));
    return leaf(nodeId, notBefore, notAfter,
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, names);
  }

  /**
   * Issues a client certificate valid from an hour ago for {@code validity}: CN {@code name}, TLS
   * client authentication only, no alternative names, so it never passes for a node.
   *
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public IssuedCertificate issueClient(String name, Duration validity) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return issueClient(name, now.minus(Duration.ofHours(1)), now.plus(validity));
  }

  /**
   * Issues a client certificate valid from {@code notBefore} to {@code notAfter} (see {@link
   * #issueClient(String, Duration)}).
   *
   * @throws IllegalArgumentException if {@code name} is empty or the window is empty
   */
  public IssuedCertificate issueClient(String name, Instant notBefore, Instant notAfter) {
    return leaf(name, notBefore, notAfter, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, List.of());
  }

  private IssuedCertificate leaf(String commonName, Instant notBefore, Instant notAfter, KeyPurposeId[] usages,
      List<GeneralName> alternativeNames) {
    if (commonName == null || commonName.isBlank()) throw new IllegalArgumentException("common name must not be empty");
    if (!notAfter.isAfter(notBefore)) throw new IllegalArgumentException("notAfter must be after notBefore");
    KeyPair keys = newKeyPair();
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(notBefore), Date.from(notAfter), subject(commonName), keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages));
      if (!alternativeNames.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
      }
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return new IssuedCertificate(sign(b, privateKey), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
    }
  }

  /**
   * Writes the CA certificate (public) and key (owner-only) as PEM.
   *
   * @throws IOException if either file cannot be written
   */
  public void writeTo(Path certificatePem, Path keyPem) throws IOException {
    new IssuedCertificate(certificate, privateKey).writeTo(certificatePem, keyPem);
  }

  /** The DNS and IP alternative names for {@code hosts}, without duplicates, in their order. */
  private static List<GeneralName> hostNames(List<String> hosts) {
    List<String> seen = new ArrayList<>();
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      if (h == null || h.isBlank()) throw new IllegalArgumentException("a host name must not be empty");
      if (seen.contains(h)) continue;
      seen.add(h);
      names.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, ipBytes(h)) : new GeneralName(GeneralName.dNSName, h));
    }
    return names;
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  private static org.bouncycastle.asn1.DEROctetString ipBytes(String literal) {
    try { // a literal only: InetAddress.getByName does no lookup for one
      return new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(literal).getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + literal, e);
    }
  }

  private static X500Name subject(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate P-256 keys", e);
    }
  }

  /** A positive random serial of 159 bits, as the CA/Browser Forum asks (at least 64 random bits). */
  private static BigInteger serial() {
    return new BigInteger(159, RANDOM).setBit(158);
  }

  /** For tests and tools: the public key of this CA. */
  public PublicKey publicKey() {
    return certificate.getPublicKey();
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + Objects.toString(certificate.getSubjectX500Principal()) + "]";
  }
}
