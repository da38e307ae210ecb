package io.bellwether.node.security;

import io.bellwether.pki.PemFiles;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK {@link SSLContext}s built from PEM files, for the blocking HTTPS clients ({@code
 * java.net.http}: the CLI, a joining node). Every failure names the file.
 */
public final class TlsContexts {

  /** The only TLS versions this project speaks, server and client. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private TlsContexts() {}

  /**
   * A client context.
   *
   * @param ca the CA bundle (PEM, one or more certificates) to trust; null: the JVM's default trust
   * @param cert the client certificate (PEM) to present, or null for none
   * @param key its private key (PEM), with {@code cert}
   * @throws IOException naming the file that is unreadable or not PEM of the right kind
   */
  public static SSLContext client(Path ca, Path cert, Path key) throws IOException {
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

  /** Parameters that allow TLS 1.2 and 1.3 only. */
  public static SSLParameters parameters() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(PROTOCOLS.clone());
    return p;
  }

  /**
   * Every certificate of a PEM file (a CA bundle may hold several).
   *
   * @throws IOException naming the file when it holds none, or cannot be read
   */
  public static Collection<X509Certificate> certificates(Path file) throws IOException {
    PemFiles.readCertificate(file); // the first block, with pki's message naming the file
    try (InputStream in = Files.newInputStream(file)) {
      @SuppressWarnings("unchecked")
      Collection<X509Certificate> all = (Collection<X509Certificate>) CertificateFactory.getInstance("X.509")
          .generateCertificates(in);
      if (all.isEmpty()) throw new IOException(file + " holds no PEM certificate");
      return all;
    } catch (CertificateException e) {
      throw new IOException(file + " holds a certificate that cannot be decoded: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the private key and checks that it belongs to the certificate, so a mixed-up pair fails at
   * start-up with both files named rather than at the first TLS handshake.
   *
   * @throws IOException naming the files
   */
  public static PrivateKey checkedKey(Path cert, Path key) throws IOException {
    X509Certificate c = PemFiles.readCertificate(cert);
    PrivateKey k = PemFiles.readPrivateKey(key);
    try {
      String algorithm = switch (k.getAlgorithm()) {
        case "EC" -> "SHA256withECDSA";
        case "RSA" -> "SHA256withRSA";
        case "Ed25519", "EdDSA" -> "Ed25519";
        default -> null;
      };
      if (algorithm == null) return k; // an algorithm we cannot test: the handshake will tell
      byte[] probe = "bellwether key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
