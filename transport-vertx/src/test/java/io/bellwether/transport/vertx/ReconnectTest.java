package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// Goal: a peer that restarts (same port or a new one) or moves while its old address still answers is
// reached again without help. Method: real transports on loopback; the sender keeps sending, as Raft
// would, until a message arrives at the new incarnation (Awaitility, never a sleep).
class ReconnectTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final TestNodes nodes = new TestNodes();
  private final AtomicLong seq = new AtomicLong();
  private VertxTransport n1;
  private VertxTransport n2;

  @BeforeEach
  void startNodes() {
    n1 = nodes.start("n1", TestNodes.inbox());
    nodes.discovery.start(n1); // n1 hears address changes, as node-app wires it
    n2 = nodes.start("n2", TestNodes.inbox());
  }

  @AfterEach
  void stopNodes() {
    nodes.close();
  }

  @Test
  void peerRestartedOnTheSamePortIsReachedAgain() {
    Queue<Message> first = TestNodes.inbox();
    n2.close();
    n2 = nodes.startAndPublish(nodes.create("n2", 0, Map.of()), first::add);
    int port = n2.localEndpoint().port();
    awaitDelivered(first);

    n2.close();
    sendSome(); // into the void: dropped and counted, never thrown
    Queue<Message> second = TestNodes.inbox();
    n2 = nodes.startAndPublish(nodes.create("n2", port, Map.of()), second::add);

    awaitDelivered(second);
  }

  @Test
  void peerRestartedOnANewPortIsReachedAtItsNewAddress() {
    Queue<Message> before = TestNodes.inbox();
    n2.close();
    n2 = nodes.startAndPublish(nodes.create("n2", 0, Map.of()), before::add);
    awaitDelivered(before);
    Endpoint oldAddress = n2.localEndpoint();

    n2.close();
    Queue<Message> after = TestNodes.inbox();
    n2 = nodes.startAndPublish(nodes.create("n2", 0, Map.of()), after::add);

    await().until(() -> !n2.localEndpoint().equals(oldAddress));
    awaitDelivered(after);
  }

  @Test
  void peerThatMovesWhileItsOldAddressStillAnswersIsFollowed() {
    Queue<Message> old = TestNodes.inbox();
    n2.close();
    n2 = nodes.startAndPublish(nodes.create("n2", 0, Map.of()), old::add);
    awaitDelivered(old);

    // A second incarnation of n2 appears elsewhere while the first still listens.
    Queue<Message> moved = TestNodes.inbox();
    VertxTransport n2Moved = nodes.startAndPublish(nodes.create("n2", 0, Map.of()), moved::add);

    awaitDelivered(moved);
    for (int i = 0; i < 50; i++) sendSome();
    await().atMost(DEADLINE).until(() -> moved.size() >= 50);
    n2Moved.close();
  }

  @Test
  void senderIsToldWhenItsConnectionToAPeerCloses() {
    // The hint a follower uses to replace a crashed leader sooner (Transport.InboundHandler).
    Queue<String> unreachable = new ConcurrentLinkedQueue<>();
    VertxTransport n3 = nodes.startAndPublish(nodes.create("n3", 0, Map.of()), new Transport.InboundHandler() {
      @Override
      public void onMessage(Message message) {}

      @Override
      public void onPeerUnreachable(String peerId) {
        unreachable.add(peerId);
      }
    });
    Queue<Message> n2Inbox = TestNodes.inbox();
    n2.close();
    n2 = nodes.startAndPublish(nodes.create("n2", 0, Map.of()), n2Inbox::add);
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> {
      n3.send(new Heartbeat("n3", "n2", 1, 0, seq.incrementAndGet(), 50_000, 10));
      return !n2Inbox.isEmpty();
    });
    assertThat(unreachable).isEmpty();

    n2.close();

    await().atMost(DEADLINE).until(() -> unreachable.contains("n2"));
    assertThat(unreachable).containsOnly("n2");
  }

  private void sendSome() {
    n1.send(new Heartbeat("n1", "n2", 1, 0, seq.incrementAndGet(), 50_000, 10));
  }

  private void awaitDelivered(Queue<Message> inbox) {
    int before = inbox.size();
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> {
      sendSome();
      return inbox.size() > before;
    });
  }
}
