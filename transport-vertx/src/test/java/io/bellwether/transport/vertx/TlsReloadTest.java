package io.bellwether.transport.vertx;

import static io.bellwether.transport.vertx.BadInputTest.concat;
import static io.bellwether.transport.vertx.BadInputTest.frame;
import static io.bellwether.transport.vertx.BadInputTest.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

// Goal: a node picks up rotated peer TLS files without a restart (new connections then need the new
// CA), and keeps the files in force when the new ones are broken. Method: n1 re-reads its files every
// 100ms; raw JDK TLS clients holding n2 certificates of the old and the new CA connect to it.
class TlsReloadTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void rotatedFilesApplyToNewConnectionsAndBrokenOnesAreIgnored() throws IOException {
    TlsFiles oldCa = new TlsFiles(dir, "old-ca");
    TlsFiles newCa = new TlsFiles(dir, "new-ca"); // same directory: its files replace the old ones
    Queue<Message> inbox = TestNodes.inbox();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger reloaderLog = (Logger) LoggerFactory.getLogger(TlsReloader.class);
    log.start();
    reloaderLog.addAppender(log);
    try (TestNodes nodes = new TestNodes()) {
      Map<String, String> settings = new HashMap<>(oldCa.settingsFor("n1"));
      settings.put(VertxTransportConfig.TLS_RELOAD_INTERVAL, "100ms");
      VertxTransport n1 = nodes.startAndPublish(nodes.create("n1", 0, settings), inbox::add);
      nodes.discovery.publish("n2", new Endpoint("127.0.0.1", 1));
      SSLContext oldN2 = oldCa.context(oldCa.issue("n2"));
      SSLContext newN2 = newCa.context(newCa.issue("n2"));
      assertThat(sendsThrough(n1, oldN2, inbox, 1)).isTrue();

      // A broken certificate file: logged once, naming it, and the old files stay in force.
      Path certFile = Path.of(settings.get(VertxTransportConfig.TLS_CERT));
      Files.writeString(certFile, "garbage");
      await().atMost(DEADLINE).until(() -> messages(log).anyMatch(m ->
          m.contains("not usable; keeping the ones in force") && m.contains(certFile.toString())));
      assertThat(sendsThrough(n1, oldN2, inbox, 2)).isTrue();
      assertThat(n1.stats().tlsReloadCount()).isZero();

      newCa.settingsFor("n1"); // rotation: n1's certificate, key and CA from the new CA

      await().atMost(DEADLINE).until(() -> n1.stats().tlsReloadCount() == 1);
      assertThat(sendsThrough(n1, newN2, inbox, 3)).as("new CA accepted").isTrue();
      // It trusts n1's new certificate, so only n1's trust of the old CA could let it in.
      SSLContext oldN2TrustingNewCa = TlsFiles.context(oldCa.issue("n2"), newCa.ca.certificate());
      long refusedBefore = n1.stats().tlsRefusedConnectionCount();
      assertThat(sendsThrough(n1, oldN2TrustingNewCa, inbox, 4)).as("old CA refused").isFalse();
      await().atMost(DEADLINE).until(() -> n1.stats().tlsRefusedConnectionCount() > refusedBefore);
    } finally {
      reloaderLog.detachAppender(log);
    }
  }

  /** Whether a heartbeat of {@code term} sent over a new TLS connection with {@code context} arrives. */
  private static boolean sendsThrough(VertxTransport n1, SSLContext context, Queue<Message> inbox, long term) {
    Message message = new Heartbeat("n2", "n1", term, 0, 1, 50_000, 10);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), n1.localEndpoint().port())) {
      socket.setSoTimeout((int) DEADLINE.toMillis());
      socket.startHandshake();
      socket.getOutputStream().write(concat(hello(TestNodes.CLUSTER, "n2", "n1"), frame(message)));
      socket.getOutputStream().flush();
      // Either n1 delivers the message, or it refuses the connection (read ends or fails).
      Thread reader = new Thread(() -> {
        try {
          socket.getInputStream().read();
        } catch (IOException ignored) {
          // refused
        }
      });
      reader.start();
      await().atMost(DEADLINE).until(() -> inbox.contains(message) || !reader.isAlive());
      return inbox.contains(message);
    } catch (IOException refused) {
      return false;
    }
  }

  private static java.util.stream.Stream<String> messages(ListAppender<ILoggingEvent> log) {
    synchronized (log.list) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList().stream();
    }
  }
}
