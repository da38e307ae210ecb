package io.bellwether.client;

import static io.bellwether.client.FakeNode.error;
import static io.bellwether.client.FakeNode.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: each call sends what the HTTP API expects and turns its answers into results: a version
 * mismatch is a CAS result (not retried), an absent key an empty Optional, a scan continues after its
 * last key. Method: a {@link FakeNode} with scripted answers.
 */
class BellwetherClientApiTest {

  static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);
  final FakeNode node;
  final BellwetherClient client;

  BellwetherClientApiTest() throws Exception {
    node = new FakeNode();
    client = BellwetherClient.builder().endpoints(node.url() + "/").retry(BellwetherClientRetryTest.FAST).build();
  }

  @AfterEach
  void close() {
    client.close();
    node.close();
  }

  @Test
  void compareAndSetReportsAMismatchAsAResult() {
    node.then(json(412, "{\"error\":\"VERSION_MISMATCH\",\"message\":\"at 8\",\"currentVersion\":8}"));
    CasResult miss = client.compareAndSet("k", 5, V);
    assertThat(miss.matched()).isFalse();
    assertThat(miss.currentVersion()).isEqualTo(8);
    assertThat(node.received).hasSize(1);
    assertThat(node.received.get(0).header("If-Match")).isEqualTo("\"5\"");

    node.then(FakeNode.putOk("k", 9));
    CasResult hit = client.compareAndSet("k", 0, V);
    assertThat(hit.matched()).isTrue();
    assertThat(hit.version()).isEqualTo(9);
    assertThat(node.received.get(1).header("If-None-Match")).isEqualTo("*");
  }

  @Test
  void aConditionalPutThatFailsThrowsWithTheCurrentVersion() {
    node.then(json(412, "{\"error\":\"VERSION_MISMATCH\",\"message\":\"absent\",\"currentVersion\":0}"));
    assertThatThrownBy(() -> client.put("k", V, PutOptions.none().withIfVersion(3).withLease(42)))
        .isInstanceOfSatisfying(ConditionFailedException.class, e -> assertThat(e.currentVersion()).isZero());
    assertThat(node.received.get(0).uri()).isEqualTo("/v1/kv/k?lease=42");
    assertThat(node.received.get(0).body()).isEqualTo(V);
  }

  @Test
  void getOfAnAbsentKeyIsEmptyButAForeign404IsAFailure() {
    node.then(error(404, "NOT_FOUND"));
    assertThat(client.get("k", Consistency.STALE, 12)).isEmpty();
    assertThat(node.received.get(0).uri()).isEqualTo("/v1/kv/k?consistency=stale&minIndex=12");
    node.then(FakeNode.raw(404, "text/html", "<html>no such page</html>", Map.of()));
    assertThatThrownBy(() -> client.get("k", Consistency.STALE)).isInstanceOf(NotAppliedException.class);
  }

  @Test
  void deleteReportsWhetherTheKeyExisted() {
    node.then(json(200, "{\"key\":\"k\",\"deleted\":false,\"version\":0,\"index\":14}"));
    DeleteResult r = client.delete("k", 6);
    assertThat(r.deleted()).isFalse();
    assertThat(r.index()).isEqualTo(14);
    assertThat(node.received.get(0).method()).isEqualTo("DELETE");
    assertThat(node.received.get(0).header("If-Match")).isEqualTo("\"6\"");
    assertThat(node.received.get(0).header("Idempotency-Key")).isNotBlank();
  }

  @Test
  void anUnreadableSuccessOfAWriteIsOutcomeUnknown() {
    node.then(FakeNode.raw(200, "text/plain", "OK", Map.of()));
    assertThatThrownBy(() -> client.put("k", V)).isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("may or may not");
    assertThat(node.received).hasSize(1);
  }

  @Test
  void scanAllContinuesAfterTheLastKeyOfEachPage() {
    List<String> keys = List.of("p/a", "p/b", "p/c", "p/d", "p/e");
    node.then(ex -> {
      String query = URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
      String after = query.contains("after=") ? query.substring(query.indexOf("after=") + 6) : "";
      List<String> page = keys.stream().filter(k -> k.compareTo(after) > 0).limit(2).toList();
      boolean more = !page.isEmpty() && keys.indexOf(page.get(page.size() - 1)) < keys.size() - 1;
      StringBuilder entries = new StringBuilder();
      for (String k : page) {
        if (entries.length() > 0) entries.append(',');
        entries.append("{\"key\":\"").append(k).append("\",\"version\":3,\"value\":\"")
            .append(Base64.getEncoder().encodeToString(k.getBytes(StandardCharsets.UTF_8))).append("\"}");
      }
      json(200, "{\"entries\":[" + entries + "],\"more\":" + more + ",\"appliedIndex\":20,\"node\":\"n3\"}").answer(ex);
    });
    List<String> seen = new ArrayList<>();
    for (KeyValue kv : client.scanAll("p/", 2, Consistency.LINEARIZABLE)) {
      assertThat(kv.valueAsString()).isEqualTo(kv.key());
      seen.add(kv.key());
    }
    assertThat(seen).isEqualTo(keys);
    assertThat(node.received).hasSize(3);
    assertThat(node.received.get(0).uri()).isEqualTo("/v1/kv?prefix=p%2F&limit=2&consistency=linearizable");
    assertThat(node.received.get(1).uri()).endsWith("&after=p%2Fb");

    ScanPage first = client.scan("p/", 2, Consistency.STALE);
    assertThat(first.more()).isTrue();
    assertThat(first.node()).isEqualTo("n3");
    assertThat(first.lastKey()).isEqualTo("p/b");
  }

  @Test
  void scanAllStopsWhenTheNodeIgnoresTheContinuation() {
    String page = "{\"entries\":[{\"key\":\"a\",\"version\":1,\"value\":\"\"}],\"more\":true,\"appliedIndex\":1,\"node\":\"n1\"}";
    node.then(json(200, page));
    assertThatThrownBy(() -> client.scanAll("", 1, Consistency.STALE).forEach(kv -> {}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("after");
  }

  @Test
  void badSettingsNameThemselves() {
    assertThatThrownBy(() -> BellwetherClient.builder().build()).hasMessageContaining("endpoints");
    assertThatThrownBy(() -> BellwetherClient.builder().endpoints("ftp://x:1").build()).hasMessageContaining("ftp://x:1");
    assertThatThrownBy(() -> Consistency.parse("eventual")).hasMessageContaining("eventual");
    client.close();
    assertThatThrownBy(() -> client.put("k", V)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
