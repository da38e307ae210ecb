package io.bellwether.transport.vertx;

import static io.bellwether.transport.vertx.BadInputTest.concat;
import static io.bellwether.transport.vertx.BadInputTest.frame;
import static io.bellwether.transport.vertx.BadInputTest.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.pki.IssuedCertificate;
import io.bellwether.pki.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

// Goal: TLS checks a peer only in the handshake; a connection must not outlive the trust it was
// opened under. Moving a node to a new CA closes its open connections (inbound and outbound) to
// peers whose certificates the new CA does not vouch for, and a connection closes when its peer's
// certificate expires; each with a WARN line and the connections_closed_untrusted count. Method: n1
// with peer TLS; an inbound raw JDK TLS client posing as n2 (a known peer) and an outbound link to a
// real transport n3; n1's files rotated in place (reload every 100ms), or certificates valid for a
// few seconds.
class OpenConnectionTrustTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final TestNodes nodes = new TestNodes();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<Logger> watched = List.of(
      (Logger) LoggerFactory.getLogger(InboundConnection.class), (Logger) LoggerFactory.getLogger(PeerLink.class));

  @BeforeEach
  void watchLogs() {
    log.start();
    watched.forEach(l -> l.addAppender(log));
  }

  @AfterEach
  void stop() {
    watched.forEach(l -> l.detachAppender(log));
    nodes.close();
  }

  @Test
  void rotationToANewCaClosesConnectionsItDoesNotTrust() throws Exception {
    TlsFiles oldCa = new TlsFiles(dir, "old-ca");
    TlsFiles newCa = new TlsFiles(dir, "new-ca");
    Queue<Message> n1Inbox = TestNodes.inbox();
    Queue<Message> n3Inbox = TestNodes.inbox();
    Map<String, String> settings = new HashMap<>(oldCa.settingsFor("n1"));
    settings.put(VertxTransportConfig.TLS_RELOAD_INTERVAL, "100ms");
    VertxTransport n1 = nodes.startAndPublish(nodes.create("n1", 0, settings), n1Inbox::add);
    nodes.startAndPublish(nodes.create("n3", 0, oldCa.settingsFor("n3")), n3Inbox::add);
    nodes.discovery.publish("n2", new Endpoint("127.0.0.1", 1));
    try (SSLSocket fromN2 = open(oldCa.context(oldCa.issue("n2")), n1)) {
      deliver(fromN2, 1, n1Inbox);
      sendUntilDelivered(n1, "n3", n3Inbox);

      // Control: a CA file trusting both CAs (the first step of a rotation) keeps both connections.
      Path caFile = Path.of(settings.get(VertxTransportConfig.TLS_CA));
      Files.writeString(caFile, pem(oldCa) + pem(newCa));
      await().atMost(DEADLINE).until(() -> n1.stats().tlsReloadCount() == 1);
      deliver(fromN2, 2, n1Inbox);
      assertThat(n1.stats().closedUntrustedConnectionCount()).isZero();

      newCa.settingsFor("n1"); // the last step: n1's certificate, key and CA all from the new CA
      await().atMost(DEADLINE).until(() -> n1.stats().tlsReloadCount() == 2);

      CompletableFuture<Integer> read = readAsync(fromN2);
      await().atMost(DEADLINE).until(() -> n1.stats().closedUntrustedConnectionCount() == 2);
      assertThat(read.get()).as("n1 closed n2's connection").isEqualTo(-1);
      await().atMost(DEADLINE).until(() -> n1.inboundConnectionCount() == 0);
      assertThat(n1.counters()).containsEntry("connections_closed_untrusted", 2L);
      assertThat(warnings()).anySatisfy(w -> assertThat(w)
          .contains("closing connection from 127.0.0.1:").contains("(node 'n2')")
          .contains("is not trusted by the CA in force").contains("after the peer TLS files were reloaded"));
      assertThat(warnings()).anySatisfy(w -> assertThat(w)
          .contains("closing the connection to n3").contains("is not trusted by the CA in force"));
    }
  }

  @Test
  void connectionsCloseWhenThePeersCertificateExpires() throws Exception {
    TlsFiles pki = new TlsFiles(dir, "ca");
    Queue<Message> n1Inbox = TestNodes.inbox();
    Queue<Message> n3Inbox = TestNodes.inbox();
    Instant now = Instant.now();
    Instant soon = now.plusSeconds(4);
    IssuedCertificate n2Briefly = pki.ca.issue("n2", TlsFiles.HOSTS, now.minus(Duration.ofHours(1)), soon);
    IssuedCertificate n3Briefly = pki.ca.issue("n3", TlsFiles.HOSTS, now.minus(Duration.ofHours(1)), soon);
    VertxTransport n1 = nodes.startAndPublish(nodes.create("n1", 0, pki.settingsFor("n1")), n1Inbox::add);
    nodes.startAndPublish(nodes.create("n3", 0, pki.write("n3", n3Briefly)), n3Inbox::add);
    nodes.discovery.publish("n2", new Endpoint("127.0.0.1", 1));
    try (SSLSocket fromN2 = open(pki.context(n2Briefly), n1)) {
      deliver(fromN2, 1, n1Inbox);
      sendUntilDelivered(n1, "n3", n3Inbox);
      assertThat(n1.stats().closedUntrustedConnectionCount()).as("before expiry").isZero();

      CompletableFuture<Integer> read = readAsync(fromN2);
      await().atMost(DEADLINE).until(() -> n1.stats().closedUntrustedConnectionCount() == 2);
      assertThat(Instant.now()).isAfter(soon.minusSeconds(1));
      assertThat(read.get()).as("n1 closed n2's connection").isEqualTo(-1);
      assertThat(warnings()).anySatisfy(w -> assertThat(w)
          .contains("closing connection from 127.0.0.1:").contains("(node 'n2')").contains("CN=n2) expired at"));
      assertThat(warnings()).anySatisfy(w -> assertThat(w)
          .contains("closing the connection to n3").contains("CN=n3) expired at"));
    }
  }

  private static String pem(TlsFiles pki) throws IOException {
    Path file = Files.createTempFile("ca", ".pem");
    try {
      PemFiles.writeCertificate(file, pki.ca.certificate());
      return Files.readString(file);
    } finally {
      Files.delete(file);
    }
  }

  private static SSLSocket open(javax.net.ssl.SSLContext context, VertxTransport n1) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), n1.localEndpoint().port());
    s.setSoTimeout((int) DEADLINE.toMillis());
    s.startHandshake();
    s.getOutputStream().write(hello(TestNodes.CLUSTER, "n2", "n1"));
    return s;
  }

  private static void deliver(SSLSocket fromN2, long term, Queue<Message> n1Inbox) throws IOException {
    Message m = new Heartbeat("n2", "n1", term, 0, 1, 50_000, 10);
    fromN2.getOutputStream().write(concat(new byte[0], frame(m)));
    fromN2.getOutputStream().flush();
    await().atMost(DEADLINE).until(() -> n1Inbox.contains(m));
  }

  private static void sendUntilDelivered(VertxTransport from, String to, Queue<Message> inbox) {
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> {
      from.send(new Heartbeat(from.nodeId(), to, 1, 0, 7, 50_000, 10));
      return !inbox.isEmpty();
    });
  }

  /** The first byte n1 sends on {@code socket} (it never sends any): -1 once n1 closes it. */
  private static CompletableFuture<Integer> readAsync(SSLSocket socket) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        InputStream in = socket.getInputStream();
        return in.read();
      } catch (java.net.SocketTimeoutException e) {
        return -2; // still open after the deadline
      } catch (IOException resetOrAlert) {
        return -1;
      }
    });
  }

  private List<String> warnings() {
    synchronized (log.list) {
      return log.list.stream().filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("node n1:")).toList();
    }
  }
}
