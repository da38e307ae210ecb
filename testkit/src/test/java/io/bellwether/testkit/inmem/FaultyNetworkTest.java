package io.bellwether.testkit.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.inmem.InMemoryTransport;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// Goal: prove the per-link faults of FaultyNetwork (cut, heal, isolate, drop rate, delay) and its counters.
// Method: three started nodes record what they receive; each test sets a fault, sends, and waits on counters, never on time.
class FaultyNetworkTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final FaultyNetwork network = new FaultyNetwork("test", new Random(42));
  private final Map<String, InMemoryTransport> nodes = new TreeMap<>();
  private final Map<String, Queue<Message>> inboxes = new TreeMap<>();

  @BeforeEach
  void startNodes() {
    for (String id : List.of("n1", "n2", "n3")) {
      Queue<Message> inbox = new ConcurrentLinkedQueue<>();
      InMemoryTransport transport = network.transport(id);
      transport.start(inbox::add);
      nodes.put(id, transport);
      inboxes.put(id, inbox);
    }
  }

  @AfterEach
  void closeNetwork() {
    network.close();
  }

  @Test
  void cutDropsOneDirectionOnly() {
    network.cut("n1", "n2");

    send("n1", "n2", 1);
    send("n2", "n1", 2);

    awaitSettled(1, 1);
    assertThat(inboxes.get("n2")).isEmpty();
    assertThat(seqs("n1")).containsExactly(2L);
  }

  @Test
  void healRestoresACutLink() {
    network.cutBoth("n1", "n2");
    send("n1", "n2", 1);
    send("n2", "n1", 2);
    awaitSettled(0, 2);

    network.heal("n1", "n2");
    send("n1", "n2", 3);
    send("n2", "n1", 4);

    awaitSettled(1, 3);
    assertThat(seqs("n2")).containsExactly(3L);
    assertThat(inboxes.get("n1")).isEmpty();
  }

  @Test
  void isolateCutsANodeOffFromEveryOtherUntilHealed() {
    network.isolate("n1");

    send("n1", "n2", 1);
    send("n3", "n1", 2);
    send("n2", "n3", 3);
    awaitSettled(1, 2);
    assertThat(seqs("n3")).containsExactly(3L);

    network.healAll();
    send("n3", "n1", 4);
    awaitSettled(2, 2);
    assertThat(seqs("n1")).containsExactly(4L);
  }

  @Test
  void fullDropRateDropsEverythingAndZeroNothing() {
    network.setDropRate("n1", "n2", 1.0);
    for (int seq = 0; seq < 50; seq++) send("n1", "n2", seq);
    awaitSettled(0, 50);

    network.setDropRate("n1", "n2", 0.0);
    for (int seq = 0; seq < 50; seq++) send("n1", "n2", seq);
    awaitSettled(50, 50);
  }

  @Test
  void partialDropRateDropsSomeAndDeliversTheRestInOrder() {
    network.setDropRate("n1", "n2", 0.5);

    for (int seq = 0; seq < 200; seq++) send("n1", "n2", seq);

    await().atMost(DEADLINE).until(() -> network.deliveredCount() + network.droppedCount() == 200);
    assertThat(network.droppedCount()).isBetween(1L, 199L);
    assertThat(seqs("n2")).isSorted().hasSize((int) network.deliveredCount());
  }

  @Test
  void delayedLinkStillDeliversInOrder() {
    network.setDelayMillis("n1", "n2", 5);

    for (int seq = 0; seq < 100; seq++) send("n1", "n2", seq);

    awaitSettled(100, 0);
    assertThat(seqs("n2")).containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
  }

  @Test
  void messagesToUnknownUnstartedOrClosedNodesAreDroppedAndCounted() {
    network.transport("n4");
    nodes.get("n3").close();

    send("n1", "ghost", 1);
    send("n1", "n4", 2);
    send("n1", "n3", 3);
    nodes.get("n3").send(new Heartbeat("n3", "n1", 1, 0, 4, 50_000, 10));

    awaitSettled(0, 4);
  }

  @Test
  void aClosedNodeIdCanStartAgainButAnOpenOneCannot() {
    InMemoryTransport duplicate = network.transport("n2");
    assertThatThrownBy(() -> duplicate.start(m -> {})).isInstanceOf(TransportException.class);

    nodes.get("n2").close();
    Queue<Message> restartedInbox = new ConcurrentLinkedQueue<>();
    network.transport("n2").start(restartedInbox::add);
    send("n1", "n2", 9);

    await().atMost(DEADLINE).until(() -> restartedInbox.size() == 1);
  }

  private void send(String from, String to, long seq) {
    nodes.get(from).send(new Heartbeat(from, to, 1, 0, seq, 50_000, 10));
  }

  private void awaitSettled(long delivered, long dropped) {
    await()
        .atMost(DEADLINE)
        .until(() -> network.deliveredCount() == delivered && network.droppedCount() == dropped);
  }

  private List<Long> seqs(String nodeId) {
    return inboxes.get(nodeId).stream().map(m -> ((Heartbeat) m).readSeq()).toList();
  }
}
