package io.bellwether.node.security;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for the HTTP API: the node's certificate and key, the CA bundle it trusts, and whether it
 * asks clients for certificates ({@code http.tls.*}). The same files make the node an HTTPS client of
 * the other nodes (write forwarding, joining): it trusts the CA bundle (or, without one, the JVM's
 * default trust) with host name verification, and presents its own certificate, which a node whose
 * {@code http.tls.client.auth} is {@code required} needs. Immutable.
 *
 * @param cert the node's certificate (PEM)
 * @param key its private key (PEM)
 * @param ca the CA bundle (PEM), or null
 * @param clientAuth whether clients must present a certificate signed by {@code ca}
 */
public record HttpTls(Path cert, Path key, Path ca, ClientAuthMode clientAuth) {

  /** {@code http.tls.client.auth}. */
  public enum ClientAuthMode {
    /** No client certificate is asked for. */
    NONE,
    /** Asked for; a client without one is served, one with an untrusted one is refused. */
    REQUEST,
    /** A client without a certificate signed by the CA bundle is refused during the handshake. */
    REQUIRED;

    /** @throws IllegalArgumentException listing the modes */
    public static ClientAuthMode parse(String text) {
      for (ClientAuthMode m : values()) {
        if (m.name().equalsIgnoreCase(text.trim())) return m;
      }
      throw new IllegalArgumentException("'" + text + "' is not none, request or required");
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Set<String> PROTOCOLS = Set.of(TlsContexts.PROTOCOLS);

  /**
   * Reads every file as PEM before Vert.x gets their paths, so a malformed one stops the node at
   * start-up with a message naming it, rather than failing each handshake.
   *
   * @throws IOException naming the bad file
   */
  public void validate() throws IOException {
    TlsContexts.checkedKey(cert, key);
    if (ca != null) TlsContexts.certificates(ca);
  }

  /** Makes {@code options} serve HTTPS (TLS 1.2 and 1.3 only). */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
        .setEnabledSecureTransportProtocols(PROTOCOLS);
    if (ca != null) options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    options.setClientAuth(switch (clientAuth) {
      case NONE -> ClientAuth.NONE;
      case REQUEST -> ClientAuth.REQUEST;
      case REQUIRED -> ClientAuth.REQUIRED;
    });
    return options;
  }

  /** Makes {@code options} a client of other nodes' HTTPS: trusted CA, host names verified, own certificate. */
  public HttpClientOptions applyTo(HttpClientOptions options) {
    options.setSsl(true).setVerifyHost(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
        .setEnabledSecureTransportProtocols(PROTOCOLS);
    if (options.getSslOptions() != null) options.getSslOptions().setHostnameVerificationAlgorithm("HTTPS");
    if (ca != null) options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    return options;
  }

  /** A JDK context for {@code java.net.http} clients of other nodes, with the same trust and certificate. */
  public SSLContext clientContext() throws IOException {
    return TlsContexts.client(ca, cert, key);
  }
}
