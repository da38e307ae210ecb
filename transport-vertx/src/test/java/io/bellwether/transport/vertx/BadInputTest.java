package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.codec.MessageCodec;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

// Goal: every kind of bad inbound traffic closes only its own connection, with one WARN line and a
// counter, and the node keeps serving a legitimate peer. Method: write raw bytes with java.net.Socket
// to node n1, wait for n1 to close that socket, then prove n2's messages still reach n1.
class BadInputTest {

  private static final int MAX_FRAME_BYTES = 4096;
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final TestNodes nodes = new TestNodes();
  private final Queue<Message> n1Inbox = TestNodes.inbox();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger connectionLogger = (Logger) LoggerFactory.getLogger(InboundConnection.class);
  private VertxTransport n1;
  private VertxTransport n2;

  @BeforeEach
  void startNodes() {
    n1 = nodes.startAndPublish(nodes.create("n1", 0, Map.of(
        VertxTransportConfig.MAX_FRAME_BYTES, String.valueOf(MAX_FRAME_BYTES),
        VertxTransportConfig.HANDSHAKE_TIMEOUT, "300ms")), n1Inbox::add);
    n2 = nodes.start("n2", TestNodes.inbox());
    nodes.discovery.publish("n3", new Endpoint("127.0.0.1", 1)); // a known peer that never connects
    log.start();
    connectionLogger.addAppender(log);
  }

  @AfterEach
  void stopNodes() {
    connectionLogger.detachAppender(log);
    nodes.close();
  }

  enum Counter {
    REJECTED(t -> t.stats().rejectedConnectionCount()),
    DECODE_ERROR(t -> t.stats().decodeErrorCount());

    final ToLongFunction<VertxTransport> read;

    Counter(ToLongFunction<VertxTransport> read) {
      this.read = read;
    }
  }

  static Stream<Arguments> badInputs() {
    byte[] hello = hello(TestNodes.CLUSTER, "n2", "n1");
    return Stream.of(
        Arguments.of("http request", ascii("GET / HTTP/1.1\r\nHost: n1\r\n\r\n"), Counter.REJECTED),
        Arguments.of("tls client hello", bytes(0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01), Counter.REJECTED),
        Arguments.of("other protocol version", concat(ints(Handshake.MAGIC), shorts(99, 10)), Counter.REJECTED),
        Arguments.of("handshake length zero", concat(ints(Handshake.MAGIC), shorts(Handshake.VERSION, 0)), Counter.REJECTED),
        Arguments.of("malformed handshake body",
            concat(ints(Handshake.MAGIC), shorts(Handshake.VERSION, 5), bytes(0, 9, 1, 2, 3)), Counter.REJECTED),
        Arguments.of("other cluster", hello("other-cluster", "n2", "n1"), Counter.REJECTED),
        // Refused on the handshake alone: the message after it is never read, let alone delivered.
        Arguments.of("other cluster, then a message", concat(hello("other-cluster", "n2", "n1"),
            frame(new Heartbeat("n2", "n1", 1, 0, 1, 50_000, 10))), Counter.REJECTED),
        Arguments.of("unknown node id", hello(TestNodes.CLUSTER, "intruder", "n1"), Counter.REJECTED),
        Arguments.of("this node's own id", hello(TestNodes.CLUSTER, "n1", "n1"), Counter.REJECTED),
        Arguments.of("meant for another node", hello(TestNodes.CLUSTER, "n2", "n3"), Counter.REJECTED),
        Arguments.of("no handshake at all", new byte[0], Counter.REJECTED),
        Arguments.of("oversized frame", concat(hello, ints(MAX_FRAME_BYTES + 1)), Counter.DECODE_ERROR),
        Arguments.of("huge frame length", concat(hello, ints(Integer.MAX_VALUE)), Counter.DECODE_ERROR),
        Arguments.of("negative frame length", concat(hello, ints(-1)), Counter.DECODE_ERROR),
        Arguments.of("zero frame length", concat(hello, ints(0)), Counter.DECODE_ERROR),
        Arguments.of("frame that does not decode",
            concat(hello, ints(8), bytes(0x7f, 1, 2, 3, 4, 5, 6, 7)), Counter.DECODE_ERROR),
        Arguments.of("sender differs from handshake",
            concat(hello, frame(new Heartbeat("n3", "n1", 1, 0, 1, 50_000, 10))), Counter.REJECTED),
        Arguments.of("message for another node",
            concat(hello, frame(new Heartbeat("n2", "n3", 1, 0, 1, 50_000, 10))), Counter.REJECTED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badTrafficClosesItsConnectionOnlyWithOneWarning(String name, byte[] bytes, Counter counter)
      throws IOException {
    long before = counter.read.applyAsLong(n1);

    try (Socket raw = new Socket("127.0.0.1", n1.localEndpoint().port())) {
      raw.getOutputStream().write(bytes);
      raw.getOutputStream().flush();
      assertClosedByPeer(raw);
    }

    await().atMost(DEADLINE).until(() -> counter.read.applyAsLong(n1) == before + 1);
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0).getFormattedMessage()).contains("closing connection from");
    assertThat(n1Inbox).as("nothing from the bad connection is delivered").isEmpty();
    assertLegitimatePeerGetsThrough();
  }

  @Test
  void aWellFormedRawConnectionIsServedAndStaysOpen() throws IOException {
    Message message = new Heartbeat("n2", "n1", 3, 5, 42, 50_000, 10);

    try (Socket raw = new Socket("127.0.0.1", n1.localEndpoint().port())) {
      raw.getOutputStream().write(concat(hello(TestNodes.CLUSTER, "n2", "n1"), frame(message)));
      raw.getOutputStream().flush();
      await().atMost(DEADLINE).until(() -> n1Inbox.contains(message));
    }

    assertThat(warnings()).isEmpty();
    assertThat(n1.stats().rejectedConnectionCount()).isZero();
    assertThat(n1.stats().decodeErrorCount()).isZero();
  }

  @Test
  void manyBadConnectionsInARowDoNotStopService() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (Socket raw = new Socket("127.0.0.1", n1.localEndpoint().port())) {
        raw.getOutputStream().write(ascii("garbage garbage garbage " + i));
        assertClosedByPeer(raw);
      }
    }
    await().atMost(DEADLINE).until(() -> n1.stats().rejectedConnectionCount() == 20);
    assertLegitimatePeerGetsThrough();
    // Refused connections are forgotten: only n2's own connection remains.
    await().atMost(DEADLINE).until(() -> n1.inboundConnectionCount() == 1);
  }

  private void assertLegitimatePeerGetsThrough() {
    await("n2 reaches n1").atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> {
      n2.send(new Heartbeat("n2", "n1", 1, 0, 7, 50_000, 10));
      return n1Inbox.stream().anyMatch(m -> m.from().equals("n2"));
    });
  }

  private List<ILoggingEvent> warnings() {
    synchronized (log.list) {
      return log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }
  }

  private static void assertClosedByPeer(Socket raw) throws IOException {
    raw.setSoTimeout((int) DEADLINE.toMillis());
    InputStream in = raw.getInputStream();
    try {
      assertThat(in.read()).as("the node closes the connection").isEqualTo(-1);
    } catch (SocketException reset) {
      // A reset is a close too: the node closed while our bytes were still unread.
    }
  }

  // ---- bytes on the wire

  static byte[] hello(String cluster, String from, String to) {
    return new Handshake(cluster, from, to).encode().getBytes();
  }

  static byte[] frame(Message message) {
    byte[] body = MessageCodec.DEFAULT.encode(message);
    return concat(ints(body.length), body);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
    return out;
  }

  private static byte[] ints(int... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      for (int v : values) data.writeInt(v);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private static byte[] shorts(int... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream data = new DataOutputStream(out)) {
      for (int v : values) data.writeShort(v);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
