package io.bellwether.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK {@link SSLContext}s for HTTPS clients, built from PEM files with the JDK alone (no BouncyCastle):
 * the one implementation that this client, the CLI and a joining node use. TLS 1.3 and 1.2 only
 * ({@link #parameters()}). Every failure names the file. Stateless and thread-safe.
 */
public final class ClientTls {

  /** The only TLS versions Bellwether speaks, server and client. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private ClientTls() {}

  /**
   * A client context.
   *
   * @param ca the CA bundle (PEM, one or more certificates) to trust; null: the JVM's default trust
   * @param cert the client certificate (PEM, optionally followed by its chain) to present, or null
   * @param key its unencrypted private key (PEM: PKCS#8, or the traditional RSA or EC form); with {@code cert}
   * @throws IOException naming the file that is unreadable or not PEM of the right kind, or when the
   *     key is not the certificate's
   * @throws IllegalArgumentException when only one of {@code cert} and {@code key} is given
   */
  public static SSLContext context(Path ca, Path cert, Path key) throws IOException {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a client certificate and its key go together: got cert " + cert + ", key " + key);
    }
    try {
      TrustManager[] trust = null;
      if (ca != null) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(ca)) store.setCertificateEntry("ca-" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (cert != null) {
        char[] pass = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("self", checkedKey(cert, key), pass, certificates(cert).toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, pass);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS context from " + ca + " / " + cert + ": " + e.getMessage(), e);
    }
  }

  /** Parameters that allow TLS 1.3 and 1.2 only. A new object each call: callers may change it. */
  public static SSLParameters parameters() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(PROTOCOLS.clone());
    return p;
  }

  /**
   * Every certificate of a PEM file, in order (a CA bundle or a chain may hold several).
   *
   * @throws IOException naming the file when it holds none, or cannot be read
   */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("cannot read PEM file " + file + ": " + e, e);
    }
    if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
      throw new IOException(file + " holds no PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block)");
    }
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : all) out.add((X509Certificate) c);
      if (out.isEmpty()) throw new IOException(file + " holds no PEM certificate");
      return out;
    } catch (CertificateException e) {
      throw new IOException(file + " holds a certificate that cannot be decoded: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the private key and checks that it belongs to the (first) certificate, so a mixed-up pair
   * fails at start-up with both files named rather than at the first handshake.
   *
   * @throws IOException naming the files
   */
  public static PrivateKey checkedKey(Path cert, Path key) throws IOException {
    X509Certificate c = certificates(cert).get(0);
    PrivateKey k = PemKeys.read(key);
    try {
      String algorithm = switch (k.getAlgorithm()) {
        case "EC" -> "SHA256withECDSA";
        case "RSA" -> "SHA256withRSA";
        case "Ed25519", "EdDSA" -> "Ed25519";
        default -> null;
      };
      if (algorithm == null) return k; // an algorithm we cannot test: the handshake will tell
      byte[] probe = "bellwether key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(k);
      s.update(probe);
      byte[] signature = s.sign();
      s.initVerify(c.getPublicKey());
      s.update(probe);
      if (s.verify(signature)) return k;
    } catch (GeneralSecurityException e) {
      // a key of another algorithm than the certificate's: not its key
    }
    throw new IOException(key + " is not the private key of the certificate " + cert);
  }
}
