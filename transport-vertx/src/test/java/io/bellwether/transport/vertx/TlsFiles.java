package io.bellwether.transport.vertx;

import io.bellwether.pki.CertificateAuthority;
import io.bellwether.pki.IssuedCertificate;
import io.bellwether.pki.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for TLS tests: a CA, PEM files for nodes in a temporary directory, the settings that
 * point a transport at them, and JDK {@link SSLContext}s for raw test clients and servers.
 */
final class TlsFiles {

  static final List<String> HOSTS = List.of("127.0.0.1", "localhost");

  final CertificateAuthority ca;
  private final Path dir;

  TlsFiles(Path dir, String caName) {
    this.dir = dir;
    this.ca = CertificateAuthority.create(caName, Duration.ofDays(1));
  }

  /** A node certificate valid for an hour for {@code nodeId} (CN and the URI urn:bellwether:node:ID). */
  IssuedCertificate issue(String nodeId) {
    return ca.issue(nodeId, HOSTS, Duration.ofHours(1));
  }

  /** Writes a certificate for {@code nodeId} and the CA, and returns the settings that name them. */
  Map<String, String> settingsFor(String nodeId) {
    return write(nodeId, issue(nodeId));
  }

  /** Writes {@code cert} as {@code name}'s files and the CA, and returns the settings that name them. */
  Map<String, String> write(String name, IssuedCertificate cert) {
    try {
      Path certFile = dir.resolve(name + ".crt");
      Path keyFile = dir.resolve(name + ".key");
      Path caFile = dir.resolve(name + "-ca.crt");
      cert.writeTo(certFile, keyFile);
      PemFiles.writeCertificate(caFile, ca.certificate());
      return Map.of(
          VertxTransportConfig.TLS_CERT, certFile.toString(),
          VertxTransportConfig.TLS_KEY, keyFile.toString(),
          VertxTransportConfig.TLS_CA, caFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JDK TLS context presenting {@code cert} (none when null) and trusting only this CA. */
  SSLContext context(IssuedCertificate cert) {
    return context(cert, ca.certificate());
  }

  static SSLContext context(IssuedCertificate cert, X509Certificate trusted) {
    try {
      char[] password = "test".toCharArray();
      KeyManagerFactory kmf = null;
      if (cert != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", cert.privateKey(), password, new Certificate[] {cert.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keyManagers = kmf == null ? null
          : new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
      context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Presents its certificate whatever issuers the server asks for: a JDK client otherwise sends
   * none when its certificate is from another CA, and the test of that case would test nothing more
   * than a client without a certificate.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    AlwaysPresent(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "me";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "me";
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return "me";
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return "me";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"me"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[] {"me"};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }
}
