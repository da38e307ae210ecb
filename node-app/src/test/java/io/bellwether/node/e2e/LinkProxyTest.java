package io.bellwether.node.e2e;

// Goal: the link proxy passes, black-holes, delays and heals a TCP stream as the fault suite expects.
// Method: a loopback server that records what reaches it, a client writing through the proxy.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinkProxyTest {

  private ServerSocket target;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private LinkProxy proxy;

  @BeforeEach
  void start() throws IOException {
    target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::receive, "link-proxy-test-target");
    t.setDaemon(true);
    t.start();
    proxy = new LinkProxy("a>b", target.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    target.close();
  }

  private void receive() {
    while (!target.isClosed()) {
      try (Socket s = target.accept(); InputStream in = s.getInputStream()) {
        byte[] buffer = new byte[1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          synchronized (received) {
            received.write(buffer, 0, n);
          }
        }
      } catch (IOException closed) {
        // next connection, or the end
      }
    }
  }

  private String received() {
    synchronized (received) {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  private Socket connect() throws IOException {
    return new Socket(InetAddress.getLoopbackAddress(), proxy.port());
  }

  @Test
  void passesDropsAndHeals() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("one;".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(5)).until(() -> received().equals("one;"));
    }
    proxy.drop();
    try (Socket s = connect()) {
      s.getOutputStream().write("lost;".getBytes(StandardCharsets.UTF_8));
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> received().equals("one;"));
    }
    proxy.pass();
    try (Socket s = connect()) {
      s.getOutputStream().write("two;".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(5)).until(() -> received().equals("one;two;"));
    }
  }

  @Test
  void delaysInOrder() throws Exception {
    proxy.delay(400);
    try (Socket s = connect()) {
      long startNanos = System.nanoTime();
      s.getOutputStream().write("x;".getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().write("y;".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(5)).until(() -> received().equals("x;y;"));
      assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
  }
}
