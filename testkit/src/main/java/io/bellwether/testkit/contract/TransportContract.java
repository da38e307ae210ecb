package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Goal: prove a Transport delivers every message type intact to the addressed node, in order per pair, and never blocks or throws.
// Method: start a three-node cluster whose handlers record what arrives, send through the SPI, and wait on the records with a deadline.
/**
 * The contract every {@link Transport} must pass. A module extends it and builds connected,
 * unstarted transports in {@link #newCluster(List)}; the suite starts and closes them.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class TransportContract {

  /** A probe's request id: probes only show a link is up, and handlers do not record them. */
  private static final long PROBE_ID = 987_654_321L;

  private static final List<String> NODE_IDS = List.of("n1", "n2", "n3");

  private final Map<String, Transport> transports = new LinkedHashMap<>();
  private final Map<String, Queue<Message>> received = new LinkedHashMap<>();
  private final Map<String, Queue<String>> probedBy = new LinkedHashMap<>();

  /**
   * Unstarted transports, one per id in {@code nodeIds} and in that order, able to reach each other
   * once started. They live for one test.
   */
  protected abstract List<Transport> newCluster(List<String> nodeIds);

  /** How long a test may wait for a message to arrive. */
  protected Duration deliveryDeadline() {
    return Duration.ofSeconds(20);
  }

  @BeforeEach
  void startCluster() {
    List<Transport> cluster = newCluster(NODE_IDS);
    assertThat(cluster).hasSize(NODE_IDS.size());
    for (int i = 0; i < NODE_IDS.size(); i++) {
      String id = NODE_IDS.get(i);
      Queue<Message> inbox = new ConcurrentLinkedQueue<>();
      Queue<String> probes = new ConcurrentLinkedQueue<>();
      received.put(id, inbox);
      probedBy.put(id, probes);
      transports.put(id, cluster.get(i));
      cluster.get(i).start(message -> {
        if (isProbe(message)) probes.add(message.from());
        else inbox.add(message);
      });
    }
  }

  @AfterEach
  void closeCluster() {
    transports.values().forEach(Transport::close);
  }

  @Test
  void everyMessageTypeArrivesIntact() {
    awaitLinkUp("n1", "n2");
    List<Message> sent = oneOfEachType("n1", "n2");

    sent.forEach(transport("n1")::send);

    awaitReceived("n2", sent.size());
    assertThat(received.get("n2")).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void messagesReachOnlyTheAddressedNode() {
    awaitLinkUp("n1", "n2");
    awaitLinkUp("n1", "n3");
    awaitLinkUp("n2", "n1");
    Message toN2 = new Heartbeat("n1", "n2", 4, 10, 1, 50_000, 10);
    Message toN3 = new Heartbeat("n1", "n3", 4, 10, 2, 50_000, 10);
    Message toN1 = new HeartbeatResponse("n2", "n1", 4, 1, 10, true);

    transport("n1").send(toN2);
    transport("n1").send(toN3);
    transport("n2").send(toN1);

    awaitReceived("n1", 1);
    awaitReceived("n2", 1);
    awaitReceived("n3", 1);
    assertThat(received.get("n1")).containsExactly(toN1);
    assertThat(received.get("n2")).containsExactly(toN2);
    assertThat(received.get("n3")).containsExactly(toN3);
  }

  @Test
  void messagesBetweenOnePairKeepTheirOrder() {
    awaitLinkUp("n1", "n2");
    int count = 1_000;

    for (int seq = 0; seq < count; seq++) transport("n1").send(new Heartbeat("n1", "n2", 1, 0, seq, 50_000, 10));

    awaitReceived("n2", count);
    assertThat(received.get("n2"))
        .extracting(m -> ((Heartbeat) m).readSeq())
        .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
  }

  @Test
  void sendingToAnUnknownNodeNeitherThrowsNorStopsLaterMessages() {
    awaitLinkUp("n1", "n2");

    assertThatCode(() -> transport("n1").send(new Heartbeat("n1", "nobody", 1, 0, 0, 50_000, 10)))
        .doesNotThrowAnyException();

    Message later = new Heartbeat("n1", "n2", 1, 0, 7, 50_000, 10);
    transport("n1").send(later);
    awaitReceived("n2", 1);
    assertThat(received.get("n2")).containsExactly(later);
  }

  @Test
  void sendingToAClosedNodeNeitherThrowsNorStopsLaterMessages() {
    awaitLinkUp("n1", "n2");
    awaitLinkUp("n1", "n3");
    transport("n3").close();

    assertThatCode(() -> {
      for (int seq = 0; seq < 100; seq++) transport("n1").send(new Heartbeat("n1", "n3", 1, 0, seq, 50_000, 10));
    }).doesNotThrowAnyException();

    Message later = new Heartbeat("n1", "n2", 1, 0, 7, 50_000, 10);
    transport("n1").send(later);
    awaitReceived("n2", 1);
    assertThat(received.get("n2")).containsExactly(later);
  }

  @Test
  void closeIsIdempotent() {
    Transport transport = transport("n1");

    transport.close();

    assertThatCode(transport::close).doesNotThrowAnyException();
  }

  @Test
  void sendAfterCloseDoesNotThrow() {
    Transport transport = transport("n1");
    transport.close();

    assertThatCode(() -> transport.send(new Heartbeat("n1", "n2", 1, 0, 0, 50_000, 10))).doesNotThrowAnyException();
  }

  @Test
  void countersKeepStableSnakeCaseNamesAndNeverDecrease() {
    Transport n1 = transport("n1");
    Map<String, Long> before = n1.counters();
    assertThat(before.keySet()).allMatch(name -> name.matches("[a-z][a-z0-9_]*"), "snake_case names");
    assertThat(before.values()).allMatch(v -> v != null && v >= 0, "non-negative values");

    awaitLinkUp("n1", "n2");
    n1.send(new Heartbeat("n1", "nobody", 1, 0, 0, 50_000, 10));
    Map<String, Long> during = n1.counters();
    n1.close();
    Map<String, Long> after = n1.counters();

    for (Map<String, Long> later : List.of(during, after)) {
      assertThat(later.keySet()).as("the same names on every call").isEqualTo(before.keySet());
    }
    for (String name : before.keySet()) {
      assertThat(during.get(name)).as(name).isGreaterThanOrEqualTo(before.get(name));
      assertThat(after.get(name)).as(name).isGreaterThanOrEqualTo(during.get(name));
    }
  }

  // ---- helpers

  /** The started transport of {@code nodeId}. */
  protected final Transport transport(String nodeId) {
    return transports.get(nodeId);
  }

  /**
   * Sends probes from {@code from} to {@code to} until one arrives, so that a transport that connects
   * lazily (and drops what it sends before then, as the contract allows) is connected.
   */
  protected final void awaitLinkUp(String from, String to) {
    await("link " + from + " -> " + to)
        .atMost(deliveryDeadline())
        .pollInterval(Duration.ofMillis(20))
        .until(() -> {
          transport(from).send(new ReadIndexRequest(from, to, 0, PROBE_ID));
          return probedBy.get(to).contains(from);
        });
  }

  /** Waits until {@code nodeId} recorded at least {@code count} messages other than probes. */
  protected final void awaitReceived(String nodeId, int count) {
    await(nodeId + " receives " + count)
        .atMost(deliveryDeadline())
        .until(() -> received.get(nodeId).size() >= count);
  }

  /** One message of each type from {@code from} to {@code to}, with distinctive field values. */
  protected static List<Message> oneOfEachType(String from, String to) {
    List<LogEntry> entries = List.of(
        LogEntry.noop(7, 12),
        LogEntry.command(7, 13, "put k v".getBytes(StandardCharsets.UTF_8)),
        LogEntry.command(7, 14, new byte[0]));
    List<Message> messages = new ArrayList<>();
    messages.add(new RequestVote(from, to, 7, 11, 6, false));
    messages.add(new RequestVote(from, to, 8, 11, 6, true));
    messages.add(new RequestVoteResponse(from, to, 7, true, false));
    messages.add(new RequestVoteResponse(from, to, 8, false, true));
    messages.add(new AppendEntries(from, to, 7, 11, 6, entries, 10));
    messages.add(new AppendEntries(from, to, 7, 14, 7, List.of(), 13));
    messages.add(new AppendEntriesResponse(from, to, 7, true, 14, 0, 0));
    messages.add(new AppendEntriesResponse(from, to, 7, false, 0, 5, 3));
    messages.add(new Heartbeat(from, to, 7, 13, 42, 50_000, 10));
    messages.add(new HeartbeatResponse(from, to, 7, 42, 14, true));
    messages.add(new ReadIndexRequest(from, to, 7, 99));
    messages.add(new ReadIndexResponse(from, to, 7, 99, true, 13));
    messages.add(new ReadIndexResponse(from, to, 7, 100, false, 0));
    return messages;
  }

  private static boolean isProbe(Message message) {
    return message instanceof ReadIndexRequest r && r.requestId() == PROBE_ID;
  }
}
