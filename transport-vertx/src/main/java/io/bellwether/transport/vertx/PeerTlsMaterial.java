package io.bellwether.transport.vertx;

import io.bellwether.transport.vertx.VertxTransportConfig.PeerTls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One validated copy of this node's peer TLS files: the bytes Vert.x is given (never the paths, so
 * what Vert.x uses is exactly what was checked, even if a file changes in between) and what the
 * checks found. Immutable.
 *
 * <p>{@link #load} checks, with JDK classes only, everything that would otherwise surface as a
 * baffling handshake failure at the first connection: each file parses, the key belongs to the
 * certificate, the certificate names this node's id (its {@code urn:bellwether:node:<id>} URI, see
 * {@link CertificateNames}) and is valid now, and the CA file's certificates signed it.
 *
 * <p>{@link #untrusted} checks a peer's chain against this material's CA, so that connections opened
 * under an earlier CA can be re-checked after a reload.
 */
final class PeerTlsMaterial {

  /** TLS 1.2 and 1.3 only: older versions have known weaknesses and every JDK 17 speaks these. */
  static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  private final byte[] certPem;
  private final byte[] keyPem;
  private final byte[] caPem;
  private final X509Certificate certificate;
  private final Set<TrustAnchor> anchors;

  private PeerTlsMaterial(byte[] certPem, byte[] keyPem, byte[] caPem, X509Certificate certificate,
      List<X509Certificate> cas) {
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.caPem = caPem;
    this.certificate = certificate;
    Set<TrustAnchor> trusted = new HashSet<>();
    for (X509Certificate ca : cas) trusted.add(new TrustAnchor(ca, null));
    this.anchors = Set.copyOf(trusted);
  }

  /**
   * Reads and checks the three files for node {@code nodeId}. Blocking file I/O.
   *
   * @throws IllegalArgumentException naming the file and its setting when a file cannot be read or
   *     parsed, the key does not match the certificate, the certificate does not name {@code nodeId},
   *     is not valid now, or was not signed by a certificate of the CA file
   */
  static PeerTlsMaterial load(PeerTls files, String nodeId) {
    byte[] cert = read(files.cert(), VertxTransportConfig.TLS_CERT);
    byte[] key = read(files.key(), VertxTransportConfig.TLS_KEY);
    byte[] ca = read(files.ca(), VertxTransportConfig.TLS_CA);
    return check(cert, key, ca, files, nodeId);
  }

  /** Same checks on bytes already read (the reloader compares before it checks). */
  static PeerTlsMaterial check(byte[] certPem, byte[] keyPem, byte[] caPem, PeerTls files, String nodeId) {
    String certFile = files.cert().toString();
    String certKey = VertxTransportConfig.TLS_CERT;
    X509Certificate leaf = PemReader.certificates(certPem, certFile, certKey).get(0);
    PrivateKey key = PemReader.privateKey(keyPem, files.key().toString(), VertxTransportConfig.TLS_KEY);
    List<X509Certificate> cas = PemReader.certificates(caPem, files.ca().toString(), VertxTransportConfig.TLS_CA);
    if (!keyMatches(key, leaf)) {
      throw PemReader.bad(files.key().toString(), VertxTransportConfig.TLS_KEY,
          "holds a private key that does not belong to the certificate in " + certFile + " ('" + certKey + "')");
    }
    if (!CertificateNames.names(leaf, nodeId)) {
      throw PemReader.bad(certFile, certKey, notThisNode(leaf, nodeId));
    }
    Date now = new Date();
    if (now.before(leaf.getNotBefore()) || now.after(leaf.getNotAfter())) {
      throw PemReader.bad(certFile, certKey, "holds a certificate that is not valid now (valid from "
          + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant() + ")");
    }
    if (cas.stream().noneMatch(ca -> signedBy(leaf, ca))) {
      throw PemReader.bad(certFile, certKey, "holds a certificate not signed by the CA in "
          + files.ca() + " ('" + VertxTransportConfig.TLS_CA + "'): peers would refuse it");
    }
    return new PeerTlsMaterial(certPem, keyPem, caPem, leaf, cas);
  }

  /**
   * Why a certificate that does not name {@code nodeId} cannot be this node's, and what to do. Only
   * the URI counts: CN and DNS names are shared with host names and client certificates.
   */
  private static String notThisNode(X509Certificate leaf, String nodeId) {
    String uri = CertificateNames.NODE_URI_PREFIX + nodeId;
    Set<String> ids = CertificateNames.nodeIds(leaf);
    return "holds a certificate for " + (ids.isEmpty() ? "no node" : "node ids " + ids) + " ("
        + CertificateNames.describe(leaf) + "), not for this node '" + nodeId + "': a node certificate names"
        + " its node id in the subject alternative name URI:" + uri + " (the CN and DNS names do not count):"
        + " issue it with `bellwether certs node " + nodeId + "`, or add the subject alternative name URI:"
        + uri + " (openssl: -addext subjectAltName=URI:" + uri + ",DNS:<host>)";
  }

  /**
   * Why {@code chain} (a peer's, leaf first) is not trusted by this material's CA file now, or null
   * when it is: a PKIX validation at the current time, so a certificate of another CA and one that
   * has expired both fail. Thread-safe; no I/O.
   */
  String untrusted(List<X509Certificate> chain) {
    if (chain.isEmpty()) return "it presented no certificate";
    // The peer may send the CA certificate along; a path ends below its trust anchor.
    List<X509Certificate> path = new ArrayList<>(chain);
    path.removeIf(c -> anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c)));
    if (path.isEmpty()) return "it presented only a CA certificate";
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return null;
    } catch (CertPathValidatorException e) {
      return "its certificate (" + chain.get(0).getSubjectX500Principal().getName() + ", valid until "
          + chain.get(0).getNotAfter().toInstant() + ") is not trusted by the CA in force: " + e.getMessage();
    } catch (GeneralSecurityException e) {
      return "its certificate cannot be checked: " + e;
    }
  }

  /** True when these are the very bytes of {@code certPem}, {@code keyPem} and {@code caPem}. */
  boolean sameFiles(byte[] cert, byte[] key, byte[] ca) {
    return Arrays.equals(certPem, cert) && Arrays.equals(keyPem, key) && Arrays.equals(caPem, ca);
  }

  /** Server side: present our certificate, require one from every peer, trust only the CA. */
  ServerSSLOptions serverOptions(long handshakeTimeoutMs) {
    return new ServerSSLOptions()
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setClientAuth(ClientAuth.REQUIRED)
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(handshakeTimeoutMs)
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Client side: present our certificate, trust only the CA. Host name verification is off on
   * purpose: peers are dialled by IP address, which node certificates need not list; the link checks
   * after the handshake that the certificate names the node it meant to reach, which is stronger.
   */
  ClientSSLOptions clientOptions(long handshakeTimeoutMs) {
    return new ClientSSLOptions()
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(handshakeTimeoutMs)
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Turns TLS on in {@code options} with the same settings as {@link #serverOptions} (Vert.x takes
   * the initial TLS settings on the server's options and later ones through {@code updateSSLOptions}).
   */
  NetServerOptions applyTo(NetServerOptions options, long handshakeTimeoutMs) {
    options.setSsl(true)
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setClientAuth(ClientAuth.REQUIRED)
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(handshakeTimeoutMs)
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    return options;
  }

  /** Turns TLS on in {@code options} with the same settings as {@link #clientOptions}. */
  NetClientOptions applyTo(NetClientOptions options, long handshakeTimeoutMs) {
    options.setSsl(true)
        .setKeyCertOptions(keyCert())
        .setTrustOptions(trust())
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(handshakeTimeoutMs)
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    return options;
  }

  /** Subject and end of validity of this node's certificate, for the start-up log line. */
  String describe() {
    return certificate.getSubjectX500Principal().getName() + ", valid until "
        + certificate.getNotAfter().toInstant();
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertValue(Buffer.buffer(certPem)).setKeyValue(Buffer.buffer(keyPem));
  }

  private PemTrustOptions trust() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(caPem));
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
    if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) return false;
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448: the key algorithm is the signature algorithm
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] read(Path file, String setting) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw PemReader.bad(file.toString(), setting, "cannot be read: " + e);
    }
  }
}
