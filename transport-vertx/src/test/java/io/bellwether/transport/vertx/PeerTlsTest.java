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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

// Goal: with transport.tls.* set, nodes exchange messages over mutually authenticated TLS, and every
// peer that cannot prove it is the node it claims to be is refused before any of its Raft messages is
// read, with a log line saying why and a count, while the legitimate nodes keep talking. Method: two
// TLS transports on 127.0.0.1 (n1, n2; n3 is a known peer that never runs), attackers as raw JDK
// TLS or plain sockets sending a well-formed handshake and a message that n1 would deliver if it
// accepted them.
class PeerTlsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private TlsFiles pki;
  private final TestNodes nodes = new TestNodes();
  private final Queue<Message> n1Inbox = TestNodes.inbox();
  private final Queue<Message> n2Inbox = TestNodes.inbox();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<Logger> watched = List.of(
      (Logger) LoggerFactory.getLogger(InboundConnection.class),
      (Logger) LoggerFactory.getLogger(TlsRefusalLog.class),
      (Logger) LoggerFactory.getLogger(PeerLink.class));
  private VertxTransport n1;
  private VertxTransport n2;

  @BeforeEach
  void startNodes() {
    pki = new TlsFiles(dir, "cluster-ca");
    n1 = nodes.startAndPublish(nodes.create("n1", 0, tls("n1")), n1Inbox::add);
    n2 = nodes.startAndPublish(nodes.create("n2", 0, tls("n2")), n2Inbox::add);
    nodes.discovery.publish("n3", new Endpoint("127.0.0.1", 1)); // known, never runs
    log.start();
    watched.forEach(l -> l.addAppender(log));
  }

  @AfterEach
  void stopNodes() {
    watched.forEach(l -> l.detachAppender(log));
    nodes.close();
  }

  private Map<String, String> tls(String nodeId) {
    Map<String, String> settings = new HashMap<>(pki.settingsFor(nodeId));
    settings.put(VertxTransportConfig.HANDSHAKE_TIMEOUT, "2s");
    return settings;
  }

  @Test
  void tlsPeersExchangeMessagesBothWays() {
    assertThat(n1.tlsEnabled()).isTrue();
    assertDelivered(n2, n1, n1Inbox);
    assertDelivered(n1, n2, n2Inbox);
    assertThat(n1.stats().tlsRefusedConnectionCount() + n2.stats().tlsRefusedConnectionCount()).isZero();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void peerWithoutCertificateIsRefused() throws IOException {
    assertRefusedInTls(pki.context(null), "n2", "Empty client certificate chain");
  }

  @Test
  void peerWithCertificateFromAnotherCaIsRefused() throws IOException {
    TlsFiles otherCa = new TlsFiles(dir.resolve("other"), "other-ca");
    // It trusts our CA, so only our side's check can stop it.
    assertRefusedInTls(TlsFiles.context(otherCa.issue("n2"), pki.ca.certificate()), "n2", "not issued by this cluster's CA");
  }

  @Test
  void peerWithExpiredCertificateIsRefused() throws IOException {
    Instant now = Instant.now();
    IssuedCertificate expired = pki.ca.issue("n2", TlsFiles.HOSTS,
        now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
    assertRefusedInTls(pki.context(expired), "n2", "CertificateExpiredException");
  }

  @Test
  void peerClaimingAnotherNodesIdIsRefusedByTheIdCheck() throws IOException {
    // A valid certificate of our CA, for n3, and a handshake claiming to be n2: TLS accepts it, so
    // only the check of the claimed id against the certificate's names refuses it.
    long rejectedBefore = n1.stats().rejectedConnectionCount();
    Message forged = attackMessage("n2");
    try (SSLSocket socket = tlsSocket(pki.context(pki.issue("n3")))) {
      socket.startHandshake();
      write(socket, concat(hello(TestNodes.CLUSTER, "n2", "n1"), frame(forged)));
      assertClosedByPeer(socket);
    }

    await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() == 1);
    assertThat(warnings()).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("closing connection from 127.0.0.1:")
        .contains("peer claims node id 'n2' but its certificate names [n3"));
    assertThat(n1.stats().rejectedConnectionCount()).isEqualTo(rejectedBefore);
    assertThat(n1.counters()).as("the counters a node exports")
        .containsEntry("connections_tls_refused", 1L).containsEntry("connections_rejected", rejectedBefore);
    assertLegitimatePeerStillServed(forged);
  }

  @Test
  void plaintextToTheTlsPortIsRefused() throws IOException {
    Message forged = attackMessage("n2");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), n1.localEndpoint().port())) {
      write(socket, concat(hello(TestNodes.CLUSTER, "n2", "n1"), frame(forged)));
      assertClosedByPeer(socket);
    }

    await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() >= 1);
    assertThat(warnings()).first().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("refused a peer connection in its TLS handshake: the peer does not speak TLS"));
    assertLegitimatePeerStillServed(forged);
  }

  @Test
  void outboundConnectionToAServerWithAnotherNodesCertificateIsRefusedBeforeAnythingIsSent() throws Exception {
    // An impostor at n2's address holding a valid certificate of our CA, but n3's.
    SSLContext impostorTls = pki.context(pki.issue("n3"));
    try (ImpostorServer impostor = new ImpostorServer(impostorTls, DEADLINE)) {
      nodes.discovery.publish("n2", new Endpoint("127.0.0.1", impostor.port()));

      n1.send(new Heartbeat("n1", "n2", 1, 0, 1, 50_000, 10));

      assertThat(impostor.firstByte(DEADLINE))
          .as("the impostor receives neither the handshake nor a message").isEqualTo(-1);
      await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() >= 1);
      assertThat(warnings()).first().satisfies(e -> assertThat(e.getFormattedMessage())
          .contains("refused the connection to n2").contains("its certificate names [n3"));
    }
  }

  // ---- helpers

  /** A raw TLS client that fails TLS on n1's side: refused, logged, counted, and nothing delivered. */
  private void assertRefusedInTls(SSLContext context, String claimedId, String why) throws IOException {
    Message forged = attackMessage(claimedId);
    try (SSLSocket socket = tlsSocket(context)) {
      try {
        socket.startHandshake(); // with TLS 1.3 the client may finish before the server refuses
        write(socket, concat(hello(TestNodes.CLUSTER, claimedId, "n1"), frame(forged)));
      } catch (IOException refusedAlready) {
        // refused during the handshake: what we want
      }
      assertClosedByPeer(socket);
    }

    await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() >= 1);
    assertThat(warnings()).first().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("node n1: refused a peer connection in its TLS handshake").contains(why));
    assertLegitimatePeerStillServed(forged);
  }

  private void assertLegitimatePeerStillServed(Message forged) {
    assertDelivered(n2, n1, n1Inbox);
    assertThat(n1Inbox).as("nothing from the refused peer is delivered").doesNotContain(forged);
  }

  /** A message n1 would deliver if the connection carrying it were accepted; its term marks it. */
  private static Message attackMessage(String from) {
    return new Heartbeat(from, "n1", 999, 0, 1, 50_000, 10);
  }

  private void assertDelivered(VertxTransport from, VertxTransport to, Queue<Message> inbox) {
    await(from.nodeId() + " reaches " + to.nodeId()).atMost(DEADLINE).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          from.send(new Heartbeat(from.nodeId(), to.nodeId(), 1, 0, 7, 50_000, 10));
          return inbox.stream().anyMatch(m -> m.from().equals(from.nodeId()) && m.term() == 1);
        });
  }

  private SSLSocket tlsSocket(SSLContext context) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), n1.localEndpoint().port());
    socket.setSoTimeout((int) DEADLINE.toMillis());
    return socket;
  }

  private static void write(Socket socket, byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  private static void assertClosedByPeer(Socket socket) throws IOException {
    socket.setSoTimeout((int) DEADLINE.toMillis());
    InputStream in = socket.getInputStream();
    try {
      assertThat(in.read()).as("n1 closes the connection").isEqualTo(-1);
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("n1 kept the connection open", e);
    } catch (IOException closedOrTlsAlert) {
      // a reset or a TLS alert is a refusal too
    }
  }

  private List<ILoggingEvent> warnings() {
    synchronized (log.list) {
      return log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }
  }
}
