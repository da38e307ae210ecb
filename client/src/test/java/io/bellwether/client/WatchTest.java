package io.bellwether.client;

import static io.bellwether.client.FakeNode.error;
import static io.bellwether.client.FakeNode.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: a watch reconnects wherever its stream ends (the stream's end, a final SLOW_CONSUMER or
 * SHUTTING_DOWN event, silence) to the NEXT node with the last id it heard, heartbeats included, and
 * delivers every event once (an event sent again by the next node is dropped); it ends on COMPACTED
 * (a 410 or a final event) and on a refusal that would repeat. Method: two {@link FakeNode}s with
 * scripted streams.
 */
class WatchTest {

  final FakeNode a;
  final FakeNode b;
  final CountDownLatch release = new CountDownLatch(1);
  final List<WatchEvent> events = new CopyOnWriteArrayList<>();
  final AtomicLong compacted = new AtomicLong(-1);
  final AtomicReference<Throwable> error = new AtomicReference<>();
  final WatchListener listener = new WatchListener() {
    @Override
    public void onEvent(WatchEvent event) {
      events.add(event);
    }

    @Override
    public void onCompacted(long oldestIndex) {
      compacted.set(oldestIndex);
    }

    @Override
    public void onError(Throwable e) {
      error.set(e);
    }
  };
  BellwetherClient client;

  WatchTest() throws Exception {
    a = new FakeNode();
    b = new FakeNode();
  }

  @AfterEach
  void close() {
    release.countDown();
    if (client != null) client.close();
    a.close();
    b.close();
  }

  BellwetherClient client(Duration idle) {
    client = BellwetherClient.builder().endpoints(a.url(), b.url()).retry(BellwetherClientRetryTest.FAST)
        .watchIdleTimeout(idle).build();
    return client;
  }

  static FakeNode.Answer sse(String body) {
    return FakeNode.raw(200, "text/event-stream", body, Map.of());
  }

  static String put(String id, String key, String value, long index) {
    String b64 = java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    return "id: " + id + "\ndata: {\"type\":\"put\",\"key\":\"" + key + "\",\"value\":\"" + b64 + "\",\"version\":"
        + index + ",\"index\":" + index + ",\"lease\":0}\n\n";
  }

  static String delete(String id, String key, long index, String cause) {
    return "id: " + id + "\ndata: {\"type\":\"delete\",\"key\":\"" + key + "\",\"version\":3,\"index\":" + index
        + ",\"lease\":9,\"cause\":\"" + cause + "\"}\n\n";
  }

  static String heartbeat(String id) {
    return ": heartbeat\nid: " + id + "\n\n";
  }

  static String end(String code, String resumeFrom) {
    return "event: error\ndata: {\"error\":\"" + code + "\",\"message\":\"m\",\"resumeFrom\":\"" + resumeFrom + "\"}\n\n";
  }

  @Test
  void reconnectsToTheNextNodeAfterTheLastIdHeardAndDeliversEachEventOnce() {
    a.then(sse(heartbeat("10") + put("11", "p/a", "one", 11) + delete("12.1", "p/b", 12, "lease_revoked")),
        sse(heartbeat("20") + end("SHUTTING_DOWN", "20")));
    // b starts with the event a already sent: a node resuming from an older position must not make a duplicate.
    b.then(sse(delete("12.1", "p/b", 12, "lease_revoked") + delete("12", "p/c", 12, "lease_revoked")
            + end("SLOW_CONSUMER", "15")),
        json(410, "{\"error\":\"COMPACTED\",\"message\":\"gone\",\"oldestIndex\":30}"));

    Watch w = client(Duration.ofSeconds(10)).watch(WatchRequest.prefix("p/").fromIndex(5), listener);
    await().atMost(Duration.ofSeconds(10)).until(() -> compacted.get() >= 0);

    assertThat(events).extracting(WatchEvent::id).containsExactly("11", "12.1", "12");
    assertThat(events.get(0).type()).isEqualTo(WatchEvent.Type.PUT);
    assertThat(events.get(0).valueAsString()).isEqualTo("one");
    assertThat(events.get(1).type()).isEqualTo(WatchEvent.Type.DELETE);
    assertThat(events.get(1).cause()).isEqualTo("lease_revoked");
    assertThat(events.get(1).value()).isNull();
    assertThat(events.get(2).key()).isEqualTo("p/c");
    assertThat(compacted.get()).isEqualTo(30);
    assertThat(a.received.get(0).uri()).isEqualTo("/v1/watch?prefix=p%2F&fromIndex=5");
    assertThat(a.received.get(0).header("Last-Event-ID")).isNull();
    assertThat(b.received.get(0).header("Last-Event-ID")).isEqualTo("12.1");
    // The final event's resumeFrom (15) is newer than the last event (12): the node skipped changes
    // the watch does not want, so resuming there is right.
    assertThat(a.received.get(1).header("Last-Event-ID")).isEqualTo("15");
    assertThat(a.received.get(1).uri()).isEqualTo("/v1/watch?prefix=p%2F");
    assertThat(b.received.get(1).header("Last-Event-ID")).as("the heartbeat's id").isEqualTo("20");
    await().atMost(Duration.ofSeconds(5)).until(() -> !w.isRunning());
    assertThat(error.get()).isNull();
    assertThat(a.received.size() + b.received.size()).isEqualTo(4);
  }

  @Test
  void anEventItCannotReadEndsTheWatchWithAnErrorInsteadOfReconnectingForever() {
    a.then(sse(put("11", "p/a", "one", 11) + "id: 12\ndata: {\"type\":\"put\",\"key\":\n\n"));
    b.then(sse(put("11", "p/a", "one", 11) + "id: 12\ndata: {\"type\":\"put\",\"key\":\n\n"));
    Watch w = client(Duration.ofSeconds(10)).watch(WatchRequest.prefix("p/").fromIndex(1), listener);
    await().atMost(Duration.ofSeconds(10)).until(() -> error.get() != null);
    assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("unreadable event");
    await().atMost(Duration.ofSeconds(5)).until(() -> !w.isRunning());
    assertThat(events).extracting(WatchEvent::id).containsExactly("11");
    assertThat(a.received.size() + b.received.size()).as("no reconnects").isEqualTo(1);
  }

  @Test
  void aSilentStreamIsGivenUpAfterTheIdleTimeoutAndResumedElsewhere() {
    a.then(ex -> {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write((heartbeat("7") + put("8", "k", "v", 8)).getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        release.await(20, TimeUnit.SECONDS); // then silence, connection open: a vanished node
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    b.then(sse(end("COMPACTED", "8")));
    long start = System.nanoTime();
    client(Duration.ofMillis(400)).watch(WatchRequest.key("k"), listener);
    await().atMost(Duration.ofSeconds(10)).until(() -> compacted.get() >= 0);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(events).extracting(WatchEvent::id).containsExactly("8");
    assertThat(a.received.get(0).uri()).isEqualTo("/v1/watch?key=k");
    assertThat(b.received.get(0).header("Last-Event-ID")).isEqualTo("8");
    assertThat(compacted.get()).as("a final COMPACTED event names no oldest index").isZero();
  }

  @Test
  void aRefusalThatWouldRepeatEndsTheWatchWithOnErrorAndA503MovesOn() {
    a.then(error(503, "SHUTTING_DOWN"));
    b.then(error(403, "FORBIDDEN"));
    Watch w = client(Duration.ofSeconds(10)).watch(WatchRequest.prefix(""), listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> error.get() != null);
    assertThat(error.get()).isInstanceOf(AuthenticationException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> !w.isRunning());
    assertThat(b.received).hasSize(1);
    assertThat(a.received).hasSize(1);
  }

  @Test
  void closeStopsAWatchThatIsReadingAndCallsNoListener() {
    a.then(ex -> {
      ex.sendResponseHeaders(200, 0);
      ex.getResponseBody().write(heartbeat("3").getBytes(StandardCharsets.UTF_8));
      ex.getResponseBody().flush();
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Watch w = client(Duration.ofSeconds(10)).watch(WatchRequest.prefix("x").resumeAfter("2.1"), listener);
    await().atMost(Duration.ofSeconds(5)).until(() -> "3".equals(w.lastEventId()));
    assertThat(a.received.get(0).header("Last-Event-ID")).isEqualTo("2.1");
    assertThat(w.isConnected()).isTrue();
    long start = System.nanoTime();
    w.close();
    assertThat(w.isRunning()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(error.get()).isNull();
    assertThat(b.received).isEmpty();
  }
}
