package io.bellwether.node;

import io.bellwether.core.codec.MessageCodec;
import io.bellwether.core.message.Message;
import io.bellwether.pki.IssuedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Connects to a node's peer port the way an attacker would: over TLS with a chosen certificate (or
 * none), or in plaintext, then writes a Bellwether handshake and frames, and waits until the node
 * closes the connection. The handshake bytes are written out here from transport-vertx's README "Wire
 * format" (its encoder is package-private).
 */
final class PeerAttacker {

  /** How long to wait for the node to close: a refusal takes milliseconds, and the test waits this long. */
  private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(3);

  private final int port;

  PeerAttacker(int port) {
    this.port = port;
  }

  /**
   * Connects with TLS, trusting {@code trusted} (so that only the node's checks can stop it) and
   * presenting {@code cert} when not null; sends {@code bytes} if the TLS handshake lets it.
   *
   * @return whether the node closed the connection (within a few seconds)
   */
  boolean tls(X509Certificate trusted, IssuedCertificate cert, byte[] bytes) throws IOException {
    SSLContext context = context(cert, trusted);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      try {
        socket.startHandshake(); // with TLS 1.3 the client may finish before the server refuses
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (IOException refusedAlready) {
        // refused during the handshake
      }
      return closedByNode(socket);
    }
  }

  /** Sends {@code bytes} in plaintext. @return whether the node closed the connection */
  boolean plaintext(byte[] bytes) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return closedByNode(socket);
    }
  }

  private static boolean closedByNode(Socket socket) throws IOException {
    socket.setSoTimeout((int) CLOSE_DEADLINE.toMillis());
    InputStream in = socket.getInputStream();
    try {
      return in.read() == -1; // a node never writes to a peer that connected to it
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException resetOrTlsAlert) {
      return true; // a refusal too
    }
  }

  /**
   * The Bellwether handshake: magic "BELW", version 1, body length; then the cluster identity (u16
   * length), the sender's id and the addressee's id (u8 length each), all UTF-8.
   */
  static byte[] hello(String cluster, String from, String to) {
    byte[] c = cluster.getBytes(StandardCharsets.UTF_8);
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] t = to.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x42454C57);
      out.writeShort(1);
      out.writeShort(2 + c.length + 1 + f.length + 1 + t.length);
      out.writeShort(c.length);
      out.write(c);
      out.writeByte(f.length);
      out.write(f);
      out.writeByte(t.length);
      out.write(t);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One frame: a u32 length, then the message in core's codec. */
  static byte[] frame(Message message) {
    byte[] body = MessageCodec.DEFAULT.encode(message);
    return concat(ByteBuffer.allocate(4).putInt(body.length).array(), body);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static SSLContext context(IssuedCertificate cert, X509Certificate trusted) {
    try {
      char[] password = "test".toCharArray();
      KeyManager[] keyManagers = null;
      if (cert != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", cert.privateKey(), password, new Certificate[] {cert.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        keyManagers = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Presents its certificate whatever issuers the node asks for: a JDK client otherwise sends none
   * when its certificate is from another CA, and that attack would be the same as no certificate.
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
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return keys.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
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
