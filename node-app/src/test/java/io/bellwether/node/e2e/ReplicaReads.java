package io.bellwether.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a whole key range, and the state hash, from one node over HTTP: what the end-to-end checks
 * compare between nodes and with what the clients were told.
 */
final class ReplicaReads {

  /** One key as a scan returned it. */
  record Entry(long version, String value) {}

  /** A whole prefix as one node served it, and the applied index of each page it served. */
  record Scan(Map<String, Entry> entries, List<Long> pageAppliedIndexes) {}

  private static final int PAGE = 10_000;

  private ReplicaReads() {}

  /**
   * Every key under {@code prefix} on the node at {@code url}, page by page ({@code after} the last
   * key of the page before). {@code consistency} is {@code linearizable} or {@code stale}: a stale
   * scan is served from the node's own state, without asking the leader.
   */
  static Scan scan(String url, String prefix, String consistency) throws IOException, InterruptedException {
    Map<String, Entry> entries = new TreeMap<>();
    List<Long> applied = new ArrayList<>();
    String after = null;
    while (true) {
      String uri = url + "/v1/kv?prefix=" + enc(prefix) + "&limit=" + PAGE + "&consistency=" + consistency
          + (after == null ? "" : "&after=" + enc(after));
      HttpResponse<String> r = E2eScenario.send(E2eHttp.request(uri).GET());
      assertThat(r.statusCode()).as("%s scan on %s: %s", consistency, url, r.body()).isEqualTo(200);
      JsonObject page = new JsonObject(r.body());
      applied.add(page.getLong("appliedIndex"));
      JsonArray list = page.getJsonArray("entries");
      for (int i = 0; i < list.size(); i++) {
        JsonObject e = list.getJsonObject(i);
        String value = new String(Base64.getDecoder().decode(e.getString("value")), StandardCharsets.UTF_8);
        entries.put(e.getString("key"), new Entry(e.getLong("version"), value));
        after = e.getString("key");
      }
      if (!page.getBoolean("more")) return new Scan(entries, applied);
    }
  }

  /** {@code GET /v1/state/hash} of one node: {@code {"node","appliedIndex","hash"}}. */
  static JsonObject stateHash(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = E2eScenario.send(E2eHttp.request(url + "/v1/state/hash").GET());
    assertThat(r.statusCode()).as("state hash of %s: %s", url, r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /**
   * The state hash of every node at {@code urls}, once all of them answer at one applied index (no
   * writes may be running: a node that is behind would never catch up with the others otherwise).
   */
  static List<JsonObject> stateHashesAtOneIndex(List<String> urls, Duration within) {
    List<JsonObject> answers = new ArrayList<>();
    await("every node's state hash at one applied index").atMost(within).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> {
          answers.clear();
          for (String url : urls) answers.add(stateHash(url));
          long first = answers.get(0).getLong("appliedIndex");
          return answers.stream().allMatch(a -> a.getLong("appliedIndex") == first);
        });
    return List.copyOf(answers);
  }

  /** One key read on its own: {@code "<status> <ETag> <body>"}, for comparing answers. */
  static String get(String url, String key, String query) throws IOException, InterruptedException {
    HttpResponse<String> r = E2eScenario.send(E2eHttp.request(url + "/v1/kv/" + key + query).GET());
    return r.statusCode() + " " + r.headers().firstValue("ETag").orElse("-") + " " + r.body();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
