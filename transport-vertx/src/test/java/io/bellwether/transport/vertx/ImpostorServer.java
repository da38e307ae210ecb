package io.bellwether.transport.vertx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS server on loopback that impersonates a peer with the certificate of {@code tls}, accepts one
 * connection, and records the first byte the dialling node sends after the handshake (-1 when it
 * sends none: closed during or after the handshake).
 */
final class ImpostorServer implements AutoCloseable {

  private final SSLServerSocket socket;
  private final CompletableFuture<Integer> firstByte;

  ImpostorServer(SSLContext tls, Duration deadline) throws IOException {
    socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
    socket.setWantClientAuth(true);
    firstByte = CompletableFuture.supplyAsync(() -> {
      try (Socket accepted = socket.accept()) {
        accepted.setSoTimeout((int) deadline.toMillis());
        return accepted.getInputStream().read();
      } catch (IOException e) {
        return -1; // closed during or after the handshake: nothing was read either
      }
    });
  }

  int port() {
    return socket.getLocalPort();
  }

  /** The first byte received, or -1; waits at most {@code deadline}. */
  int firstByte(Duration deadline) throws Exception {
    return firstByte.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
