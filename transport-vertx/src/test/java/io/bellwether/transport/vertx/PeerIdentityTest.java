package io.bellwether.transport.vertx;

import static io.bellwether.transport.vertx.BadInputTest.concat;
import static io.bellwether.transport.vertx.BadInputTest.frame;
import static io.bellwether.transport.vertx.BadInputTest.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

// Goal: only a node certificate's URI name urn:bellwether:node:<id> makes its holder node <id>. A
// certificate of the same CA that merely has the id as its CN (a client certificate, as `bellwether
// certs client ops` makes) or as a DNS name (a node certificate issued with `--host n2`) is refused,
// inbound and outbound, and a node whose own certificate lacks the URI does not start. Method: n1
// with peer TLS; raw JDK TLS clients and servers holding such certificates; the ids they pose as are
// known to discovery (as a forged announcement would make them), so only the certificate check
// stands between them and n1's Raft inbox.
class PeerIdentityTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private TlsFiles pki;
  private final TestNodes nodes = new TestNodes();
  private final Queue<Message> inbox = TestNodes.inbox();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<Logger> watched = List.of(
      (Logger) LoggerFactory.getLogger(InboundConnection.class), (Logger) LoggerFactory.getLogger(PeerLink.class));
  private VertxTransport n1;

  @BeforeEach
  void startN1() {
    pki = new TlsFiles(dir, "cluster-ca");
    n1 = nodes.startAndPublish(nodes.create("n1", 0, pki.settingsFor("n1")), inbox::add);
    log.start();
    watched.forEach(l -> l.addAppender(log));
  }

  @AfterEach
  void stop() {
    watched.forEach(l -> l.detachAppender(log));
    nodes.close();
  }

  @Test
  void clientCertificateNamedLikeANodeIsRefused() throws Exception {
    nodes.discovery.publish("ops", new Endpoint("127.0.0.1", 1));
    IssuedCertificate ops = pki.ca.issueClient("ops", Duration.ofHours(1)); // CN=ops

    assertRefused(ops, "ops", "peer claims node id 'ops' but its certificate names []");
    assertThat(warning()).contains("CN=ops (no alternative names)");
  }

  @Test
  void hostNameInAnotherNodesCertificateIsNotThatNodesIdentity() throws Exception {
    nodes.discovery.publish("n2", new Endpoint("127.0.0.1", 1));
    IssuedCertificate n3WithHostN2 = pki.ca.issue("n3", List.of("localhost", "127.0.0.1", "n2"), Duration.ofHours(1));

    assertRefused(n3WithHostN2, "n2", "peer claims node id 'n2' but its certificate names [n3]");
    assertThat(warning()).contains("DNS:n2").contains("URI:urn:bellwether:node:n3");
  }

  @Test
  void legitimateNodeCertificateIsAccepted() throws Exception {
    // The control for the two refusals above: same path, a node certificate for the claimed id.
    nodes.discovery.publish("n2", new Endpoint("127.0.0.1", 1));
    Message hello = new Heartbeat("n2", "n1", 7, 0, 1, 50_000, 10);
    try (SSLSocket s = open(pki.issue("n2"))) {
      s.getOutputStream().write(concat(hello(TestNodes.CLUSTER, "n2", "n1"), frame(hello)));
      s.getOutputStream().flush();
      await().atMost(DEADLINE).until(() -> inbox.contains(hello));
    }
    assertThat(n1.stats().tlsRefusedConnectionCount()).isZero();
  }

  @Test
  void dialledPeerWhoseCertificateNamesItOnlyAsAHostIsRefused() throws Exception {
    // An impostor at n2's address with a node certificate of our CA for n3 that lists "n2" as a host.
    IssuedCertificate n3WithHostN2 = pki.ca.issue("n3", List.of("localhost", "127.0.0.1", "n2"), Duration.ofHours(1));
    try (ImpostorServer impostor = new ImpostorServer(pki.context(n3WithHostN2), DEADLINE)) {
      nodes.discovery.publish("n2", new Endpoint("127.0.0.1", impostor.port()));

      n1.send(new Heartbeat("n1", "n2", 1, 0, 1, 50_000, 10));

      assertThat(impostor.firstByte(DEADLINE))
          .as("the impostor receives neither the handshake nor a message").isEqualTo(-1);
      await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() >= 1);
      assertThat(warning()).contains("refused the connection to n2").contains("its certificate names [n3], not 'n2'");
    }
  }

  @Test
  void nodeWhoseCertificateLacksTheNodeUriDoesNotStartAndIsToldWhatToDo() {
    // Names n2 by CN and DNS only, as a certificate made without `bellwether certs node` would.
    Map<String, String> hostOnly = pki.write("n2-host-only", pki.ca.issue("n9", List.of("n2"), Duration.ofHours(1)));
    Map<String, String> client = pki.write("n2-client", pki.ca.issueClient("n2", Duration.ofHours(1)));

    for (Map<String, String> files : List.of(hostOnly, client)) {
      assertThatThrownBy(() -> nodes.create("n2", 0, files))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(files.get(VertxTransportConfig.TLS_CERT))
          .hasMessageContaining("not for this node 'n2'")
          .hasMessageContaining("issue it with `bellwether certs node n2`")
          .hasMessageContaining("add the subject alternative name URI:urn:bellwether:node:n2")
          .hasMessageContaining("-addext subjectAltName=URI:urn:bellwether:node:n2,DNS:");
    }
  }

  /** Poses as {@code claimedId} with {@code cert}: n1 closes the connection, logs, counts, delivers nothing. */
  private void assertRefused(IssuedCertificate cert, String claimedId, String why) throws Exception {
    Message forged = new Heartbeat(claimedId, "n1", 999, 0, 1, 50_000, 10);
    try (SSLSocket s = open(cert)) {
      s.getOutputStream().write(concat(hello(TestNodes.CLUSTER, claimedId, "n1"), frame(forged)));
      s.getOutputStream().flush();
      try {
        assertThat(s.getInputStream().read()).as("n1 closes the connection").isEqualTo(-1);
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("n1 kept the connection open", e);
      } catch (IOException resetOrAlert) {
        // a refusal too
      }
    }
    await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() == 1);
    assertThat(warning()).contains(why);
    assertThat(inbox).as("nothing from the impostor is delivered").doesNotContain(forged);
    await().atMost(DEADLINE).until(() -> n1.inboundConnectionCount() == 0);
  }

  private SSLSocket open(IssuedCertificate cert) throws IOException {
    SSLSocket s = (SSLSocket) pki.context(cert).getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), n1.localEndpoint().port());
    s.setSoTimeout((int) DEADLINE.toMillis());
    s.startHandshake();
    return s;
  }

  /** The one WARN line logged so far. */
  private String warning() {
    synchronized (log.list) {
      return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
          .reduce((a, b) -> { throw new AssertionError("more than one warning: " + a + " / " + b); })
          .orElseThrow(() -> new AssertionError("no warning"));
    }
  }
}
