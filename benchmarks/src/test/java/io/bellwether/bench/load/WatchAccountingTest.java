package io.bellwether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watch tool's parsing (SSE, positions, answer indexes) and its delivery accounting, without a network. */
class WatchAccountingTest {

  record Ev(String event, String id, String data) { }

  private static List<Ev> parse(String text, int chunk) {
    List<Ev> out = new ArrayList<>();
    SseParser p = new SseParser((e, id, d) -> out.add(new Ev(e, id, d)));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunk) p.feed(bytes, i, Math.min(bytes.length, i + chunk));
    return out;
  }

  @Test
  void sseEventsComeOutWholeHoweverTheBytesAreSplit() {
    String stream = ": heartbeat\nid: 104\n\n"
        + "id: 105\ndata: {\"type\":\"put\",\"key\":\"k\",\"value\":\"w7g=\",\"version\":105,\"index\":105,\"lease\":0}\n\n"
        + "id: 107.1\r\ndata: {\"index\":107}\r\n\r\n"
        + "id: 107\rdata: a\rdata: é\r\r"
        + "event: error\ndata: {\"error\":\"SLOW_CONSUMER\",\"message\":\"m\",\"resumeFrom\":\"107\"}\n\n"
        + "id: 200\ndata: unterminated";
    List<Ev> expected = List.of(
        new Ev(null, "104", null),
        new Ev(null, "105", "{\"type\":\"put\",\"key\":\"k\",\"value\":\"w7g=\",\"version\":105,\"index\":105,\"lease\":0}"),
        new Ev(null, "107.1", "{\"index\":107}"),
        new Ev(null, "107", "a\né"),
        new Ev("error", null, "{\"error\":\"SLOW_CONSUMER\",\"message\":\"m\",\"resumeFrom\":\"107\"}"));
    // Every chunk size, 1 byte included: splits inside \r\n, inside "é" (2 bytes) and inside field names.
    for (int chunk = 1; chunk <= 40; chunk++) {
      assertThat(parse(stream, chunk)).as("chunks of %d bytes", chunk).isEqualTo(expected);
    }
  }

  @Test
  void positionsIndexesAndErrorCodes() {
    assertThat(SseParser.positionIndex("105")).isEqualTo(105);
    assertThat(SseParser.positionIndex("105.2")).isEqualTo(105);
    assertThat(SseParser.positionIndex("x")).isEqualTo(-1);
    assertThat(SseParser.positionIndex(null)).isEqualTo(-1);
    assertThat(SseParser.longField("{\"version\":3,\"index\": 42,\"lease\":0}", "index")).isEqualTo(42);
    assertThat(SseParser.longField("{\"version\":3}", "index")).isEqualTo(-1);
    assertThat(WatchConn.errorCode("{\"error\":\"COMPACTED\",\"message\":\"m\"}")).isEqualTo("COMPACTED");
    assertThat(BellwetherProtocol.answerIndex(Buffer.buffer("{\"key\":\"bench/1\",\"version\":9,\"index\":1234}")))
        .isEqualTo(1234);
    assertThat(BellwetherProtocol.answerIndex(Buffer.buffer("{\"key\":\"a\"}"))).isZero();
    assertThat(BellwetherProtocol.answerIndex(null)).isZero();
  }

  @Test
  void everyWatcherThatGotEveryWriteOnceIsComplete() {
    DeliveryLedger l = new DeliveryLedger(2, 101);
    l.windowFrom(1_000_000);
    for (long i = 101; i <= 110; i++) l.acked(i, 1_000_000 + i * 1_000_000);
    for (int w = 0; w < 2; w++) {
      for (long i = 101; i <= 110; i++) l.arrived(w, i, 1_000_000 + i * 1_000_000 + (w + 1) * 2_000_000);
    }
    DeliveryLedger.Summary s = l.summary();
    assertThat(s.ackedWrites()).isEqualTo(10);
    assertThat(s.ackedInWindow()).isEqualTo(10);
    assertThat(s.deliveredInWindow()).isEqualTo(20);
    assertThat(s.completeWatchers()).isEqualTo(2);
    assertThat(s.totalMissing() + s.totalDuplicates() + s.totalOutOfOrder() + s.totalUnexpected()).isZero();
    // Watcher 0 got each event 2 ms after its acknowledgement, watcher 1 after 4 ms.
    assertThat(s.delaysMicros().getTotalCount()).isEqualTo(20);
    assertThat(s.delaysMicros().getValueAtPercentile(50)).isBetween(1_999L, 2_001L);
    assertThat(s.delaysMicros().getMaxValue()).isBetween(3_999L, 4_001L);
    // The last acknowledgement was at index 110; the slowest watcher had its event 4 ms later.
    assertThat(s.catchUpMs()).isEqualTo(4.0);
    assertThat(l.caughtUp(new boolean[2])).isTrue();
  }

  @Test
  void missingDuplicateOutOfOrderAndUnacknowledgedEventsAreCountedPerWatcher() {
    DeliveryLedger l = new DeliveryLedger(3, 101);
    l.windowFrom(0);
    for (long i = 101; i <= 105; i++) l.acked(i, i);
    // 106 was applied but its write's answer was lost: not acknowledged.
    long t = 1_000;
    for (long i : new long[] {101, 102, 103, 104, 105, 106}) l.arrived(0, i, t);   // complete (+1 unexpected)
    for (long i : new long[] {101, 102, 104, 105}) l.arrived(1, i, t);            // missed 103
    for (long i : new long[] {101, 102, 102, 103, 104, 105, 99}) l.arrived(2, i, t); // 102 twice, 99 late
    DeliveryLedger.Summary s = l.summary();
    assertThat(s.missing()).containsExactly(0, 1, 0);
    assertThat(s.duplicates()).containsExactly(0, 0, 1);
    assertThat(s.outOfOrder()).containsExactly(0, 0, 1);
    assertThat(s.unexpected()).containsExactly(1, 0, 0);
    assertThat(s.completeWatchers()).isEqualTo(1);
    assertThat(s.deliveredInWindow()).isEqualTo(5 + 4 + 5);
    assertThat(s.catchUpMs()).as("a watcher never got everything").isEqualTo(-1);
    assertThat(l.caughtUp(new boolean[3])).isTrue();
    assertThat(l.caughtUp(new boolean[] {false, false, false})).isTrue();
  }

  @Test
  void delaysCountOnlyMeasuredWritesAndEventsBeforeTheAcknowledgementCountAsZero() {
    DeliveryLedger l = new DeliveryLedger(1, 1);
    l.windowFrom(10_000_000);
    l.acked(1, 5_000_000);            // warm-up write
    l.arrived(0, 1, 6_000_000);
    l.arrived(0, 2, 11_000_000);      // before its acknowledgement is known
    l.acked(2, 12_000_000);
    l.acked(3, 20_000_000);
    l.arrived(0, 3, 23_000_000);      // 3 ms after
    assertThat(l.caughtUp(new boolean[1])).isTrue();
    l.acked(4, 30_000_000);
    assertThat(l.caughtUp(new boolean[1])).as("4 not received yet").isFalse();
    assertThat(l.caughtUp(new boolean[] {true})).as("an ended watcher is not waited for").isTrue();
    l.arrived(0, 4, 30_500_000);
    DeliveryLedger.Summary s = l.summary();
    assertThat(s.ackedWrites()).isEqualTo(4);
    assertThat(s.ackedInWindow()).isEqualTo(3);
    assertThat(s.beforeAck()).isEqualTo(1);
    assertThat(s.delaysMicros().getTotalCount()).isEqualTo(3);
    assertThat(s.delaysMicros().getMinValue()).isZero();
    assertThat(s.delaysMicros().getMaxValue()).isBetween(2_999L, 3_001L);
    assertThat(s.catchUpMs()).isEqualTo(0.5);
  }
}
