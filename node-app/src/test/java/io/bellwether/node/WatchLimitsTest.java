package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Goal: a watch stream's bounds hold and end it explicitly. A start older than the node's history is
 * 410 {@code COMPACTED} with the oldest index it can serve; a consumer that stops reading is closed
 * as {@code SLOW_CONSUMER} (counted in the metrics) at a position from which it resumes without a
 * gap; a node that stops ends its streams with {@code SHUTTING_DOWN}.
 */
class WatchLimitsTest {

  @Test
  void aStartOlderThanTheHistoryIs410WithTheOldestIndexFromWhichAWatchWorks() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, Map.of("watch.history.changes", "20"))) {
      BellwetherNode node = cluster.awaitLeader();
      for (int i = 0; i < 60; i++) assertThat(Http.put(node.httpUrl() + "/v1/kv/h/" + i, "v").statusCode()).isEqualTo(200);
      HttpResponse<String> gone = Http.get(node.httpUrl() + "/v1/watch?fromIndex=1");
      assertThat(gone.statusCode()).isEqualTo(410);
      JsonObject body = new JsonObject(gone.body());
      assertThat(body.getString("error")).isEqualTo("COMPACTED");
      long oldest = body.getLong("oldestIndex");
      assertThat(oldest).isGreaterThan(1);
      try (SseStream s = SseStream.open(node.httpUrl() + "/v1/watch?prefix=h/&fromIndex=" + oldest, null)) {
        assertThat(s.status).isEqualTo(200);
        assertThat(s.take(1, Duration.ofSeconds(5)).get(0).json().getLong("index")).isEqualTo(oldest);
      }
      assertThat(Http.get(node.httpUrl() + "/v1/watch?fromIndex=" + (oldest - 1)).statusCode()).isEqualTo(410);
    }
  }

  @Test
  void aConsumerThatStopsReadingIsClosedAsSlowAndResumesWithoutAGap() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, Map.of("watch.history.changes", "200"))) {
      BellwetherNode node = cluster.awaitLeader();
      long from = node.status().appliedIndex() + 1;
      URI uri = URI.create(node.httpUrl());
      try (Socket stalled = new Socket()) {
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        OutputStream out = stalled.getOutputStream();
        out.write(("GET /v1/watch?prefix=big/&fromIndex=" + from + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(5)).until(() -> watchers(node) == 1);
        String value = "x".repeat(32 * 1024);
        // It reads nothing: once the socket and the write queue are full it falls behind, and at half
        // the history (100 changes) the node lets it go.
        for (int i = 0; i < 500 && watchers(node) == 1; i++) {
          assertThat(Http.put(node.httpUrl() + "/v1/kv/big/" + i, value).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> watchers(node) == 0);
        assertThat(metric(node, "bellwether_watchers_dropped_total{", "reason=\"slow_consumer\"")).isEqualTo(1.0);
        // Now read what it was sent: the changes, then the reason and where to resume.
        stalled.setSoTimeout(10_000);
        String all = new String(readAll(stalled.getInputStream()), StandardCharsets.UTF_8);
        assertThat(all).contains("event: error").contains("SLOW_CONSUMER");
        Matcher m = Pattern.compile("\"resumeFrom\":\"([0-9.]+)\"").matcher(all);
        assertThat(m.find()).as("the error names where to resume").isTrue();
        long lastSent = lastEventIndex(all);
        try (SseStream s = SseStream.open(node.httpUrl() + "/v1/watch?prefix=big/", m.group(1))) {
          assertThat(s.status).isEqualTo(200);
          assertThat(s.take(1, Duration.ofSeconds(5)).get(0).json().getLong("index"))
              .as("the first change after the last one it was sent").isEqualTo(lastSent + 1);
        }
      }
    }
  }

  @Test
  void beyondWatchMaxStreamsANewStreamIs429UntilOneCloses() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, Map.of("watch.max.streams", "2"))) {
      BellwetherNode node = cluster.awaitLeader();
      try (SseStream a = SseStream.open(node.httpUrl() + "/v1/watch", null);
          SseStream b = SseStream.open(node.httpUrl() + "/v1/watch", null)) {
        assertThat(a.status).isEqualTo(200);
        assertThat(b.status).isEqualTo(200);
        HttpResponse<String> third = Http.get(node.httpUrl() + "/v1/watch");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.body()).contains("OVERLOADED").contains("watch.max.streams");
        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> watchers(node) == 1);
        try (SseStream c = SseStream.open(node.httpUrl() + "/v1/watch", null)) {
          assertThat(c.status).isEqualTo(200);
        }
      }
    }
  }

  @Test
  void aStoppingNodeEndsItsStreamsWithShuttingDown() throws Exception {
    TestCluster cluster = TestCluster.start(1, Map.of());
    try {
      BellwetherNode node = cluster.awaitLeader();
      try (SseStream s = SseStream.open(node.httpUrl() + "/v1/watch", null)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> watchers(node) == 1);
        Thread closer = new Thread(cluster::close);
        closer.start();
        SseStream.Event last = s.next(Duration.ofSeconds(10));
        assertThat(last).isNotNull();
        assertThat(last.event()).isEqualTo("error");
        assertThat(last.json().getString("error")).isEqualTo("SHUTTING_DOWN");
        closer.join(20_000);
      }
    } finally {
      cluster.close();
    }
  }

  static int watchers(BellwetherNode node) throws Exception {
    return (int) metric(node, "bellwether_watchers{", "");
  }

  static double metric(BellwetherNode node, String prefix, String tag) throws Exception {
    for (String line : Http.get(node.httpUrl() + "/metrics").body().split("\n")) {
      if (line.startsWith(prefix) && line.contains(tag)) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    throw new AssertionError("no metric " + prefix + " " + tag);
  }

  /** The index of the last change event in raw SSE text (the chunk framing does not split lines we look at). */
  private static long lastEventIndex(String raw) {
    Matcher m = Pattern.compile("\"index\":(\\d+)").matcher(raw);
    long last = -1;
    while (m.find()) last = Long.parseLong(m.group(1));
    return last;
  }

  /** Reads until the response's last chunk (the connection itself stays open, as HTTP/1.1 allows). */
  private static byte[] readAll(InputStream in) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    while (true) {
      int n = in.read(buf);
      if (n < 0) break;
      out.write(buf, 0, n);
      byte[] sofar = out.toByteArray();
      String tail = new String(sofar, Math.max(0, sofar.length - 7), Math.min(7, sofar.length), StandardCharsets.ISO_8859_1);
      if (tail.equals("\r\n0\r\n\r\n")) break;
    }
    return out.toByteArray();
  }
}
