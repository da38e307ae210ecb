package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// Goal: the outbound queue is bounded and every message is accounted for (sent, dropped because the
// queue was full, dropped because the peer was unreachable), while send never blocks or throws.
// Method: a "peer" that accepts TCP but never reads fills the socket, so the queue fills behind it.
class BackPressureAndDropsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private final TestNodes nodes = new TestNodes();

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void aStalledPeerFillsTheBoundedQueueAndFurtherMessagesAreDroppedAndCounted() throws IOException {
    int queueLimit = 8;
    int total = 2_000;
    VertxTransport n1 = nodes.startAndPublish(
        nodes.create("n1", 0, Map.of(VertxTransportConfig.QUEUE_LIMIT, String.valueOf(queueLimit))),
        TestNodes.inbox()::add);
    try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      nodes.discovery.publish("n2", new Endpoint("127.0.0.1", stalled.getLocalPort()));
      AppendEntries big = new AppendEntries("n1", "n2", 1, 0, 0,
          List.of(LogEntry.command(1, 1, new byte[64 * 1024])), 0);

      for (int i = 0; i < total; i++) n1.send(big);

      // Every message is sent, queued or dropped; once the socket is full nothing moves any more.
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(
          n1.stats().sentCount() + n1.queuedCount() + n1.stats().droppedQueueFullCount() + n1.stats().droppedUnreachableCount())
          .isEqualTo(total));
      assertThat(n1.stats().droppedQueueFullCount()).isPositive();
      assertThat(n1.queuedCount()).isLessThanOrEqualTo(queueLimit);
      assertThat(n1.stats().sentCount()).as("the socket stopped taking writes").isLessThan(total);
      assertThat(n1.stats().droppedUnreachableCount()).isZero();
    }
  }

  @Test
  void messagesToAPeerThatDoesNotListenAreDroppedAsUnreachable() throws IOException {
    VertxTransport n1 = nodes.start("n1", TestNodes.inbox());
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    nodes.discovery.publish("n2", new Endpoint("127.0.0.1", deadPort));

    await().atMost(DEADLINE).until(() -> {
      n1.send(new Heartbeat("n1", "n2", 1, 0, 0, 50_000, 10));
      return n1.stats().droppedUnreachableCount() > 0;
    });
    assertThat(n1.stats().sentCount()).isZero();
  }

  @Test
  void messagesToUnknownNodesOrItselfAreDroppedAsUnreachable() {
    VertxTransport n1 = nodes.start("n1", TestNodes.inbox());

    assertThatCode(() -> {
      n1.send(new Heartbeat("n1", "nobody", 1, 0, 0, 50_000, 10));
      n1.send(new Heartbeat("n1", "n1", 1, 0, 0, 50_000, 10));
    }).doesNotThrowAnyException();

    assertThat(n1.stats().droppedUnreachableCount()).isEqualTo(2);
  }

  @Test
  void aMessageLargerThanTheFrameLimitIsDroppedAndLaterOnesStillFlow() {
    Queue<Message> inbox = TestNodes.inbox();
    VertxTransport n1 = nodes.startAndPublish(
        nodes.create("n1", 0, Map.of(VertxTransportConfig.MAX_FRAME_BYTES, "4096")), TestNodes.inbox()::add);
    VertxTransport n2 = nodes.start("n2", inbox);

    n1.send(new AppendEntries("n1", "n2", 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[8192])), 0));
    await().atMost(DEADLINE).until(() -> {
      n1.send(new Heartbeat("n1", "n2", 1, 0, 1, 50_000, 10));
      return !inbox.isEmpty();
    });

    assertThat(n1.stats().droppedUnencodableCount()).isEqualTo(1);
    assertThat(inbox).allMatch(m -> m instanceof Heartbeat);
    assertThat(n2.stats().receivedCount()).isEqualTo(inbox.size());
  }

  @Test
  void countersAddUpOnAHealthyLink() {
    Queue<Message> inbox = TestNodes.inbox();
    VertxTransport n1 = nodes.start("n1", TestNodes.inbox());
    VertxTransport n2 = nodes.start("n2", inbox);
    await().atMost(DEADLINE).until(() -> {
      n1.send(new Heartbeat("n1", "n2", 1, 0, 0, 50_000, 10));
      return !inbox.isEmpty();
    });
    long droppedBefore = n1.stats().droppedUnreachableCount();

    for (int i = 1; i <= 500; i++) n1.send(new Heartbeat("n1", "n2", 1, 0, i, 50_000, 10));

    await().atMost(DEADLINE).until(() -> n2.stats().receivedCount() == n1.stats().sentCount());
    assertThat(n1.stats().droppedUnreachableCount()).isEqualTo(droppedBefore);
    assertThat(n1.stats().droppedQueueFullCount()).isZero();
    assertThat(n2.stats().receivedCount()).isEqualTo(inbox.size());
  }
}
