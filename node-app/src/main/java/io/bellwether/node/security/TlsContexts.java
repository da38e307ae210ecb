package io.bellwether.node.security;

import io.bellwether.client.ClientTls;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * JDK {@link SSLContext}s built from PEM files, for the blocking HTTPS clients ({@code
 * java.net.http}: the CLI, a joining node) and the start-up checks of the node's own PEM files. The
 * work is {@link ClientTls}'s (the client module), so the node, the CLI and applications read PEM
 * files one way. Every failure names the file.
 */
public final class TlsContexts {

  /** The only TLS versions this project speaks, server and client. */
  public static final String[] PROTOCOLS = ClientTls.PROTOCOLS;

  private TlsContexts() {}

  /**
   * A client context ({@link ClientTls#context}).
   *
   * @param ca the CA bundle (PEM) to trust; null: the JVM's default trust
   * @param cert the client certificate (PEM) to present, or null for none
   * @param key its private key (PEM), with {@code cert}
   * @throws IOException naming the file that is unreadable or not PEM of the right kind
   */
  public static SSLContext client(Path ca, Path cert, Path key) throws IOException {
    try {
      return ClientTls.context(ca, cert, key);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Parameters that allow TLS 1.2 and 1.3 only. */
  public static SSLParameters parameters() {
    return ClientTls.parameters();
  }

  /** Every certificate of a PEM file ({@link ClientTls#certificates}). */
  public static Collection<X509Certificate> certificates(Path file) throws IOException {
    return ClientTls.certificates(file);
  }

  /** The private key of {@code cert}, checked to belong to it ({@link ClientTls#checkedKey}). */
  public static PrivateKey checkedKey(Path cert, Path key) throws IOException {
    return ClientTls.checkedKey(cert, key);
  }
}
