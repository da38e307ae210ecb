package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.client.KeyValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@code GET /v1/kv?prefix=P&after=K} continues a scan after key K (exclusive), so the Java
 * client's {@code scanAll} walks a prefix page by page with every key exactly once, also across keys
 * whose code point order differs from Java's String order. Method: a 1-node cluster in this JVM.
 */
class ScanAfterTest {

  @Test
  void aScanContinuesAfterAKeyAndScanAllPagesThroughEveryKeyOnce() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, Map.of());
        BellwetherClient client = BellwetherClient.builder().endpoints(cluster.awaitLeader().httpUrl()).build()) {
      String url = cluster.nodes.get(0).httpUrl();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 23; i++) keys.add(String.format("page/%02d", i));
      keys.add("page/\uE000");
      keys.add("page/\uD83D\uDE00"); // after U+E000 in the nodes' order, before it in String.compareTo
      for (String k : keys) client.put(k, ClientWatchTest.bytes("v-" + k));
      client.put("pagf", ClientWatchTest.bytes("outside"));

      HttpResponse<String> r = Http.get(url + "/v1/kv?prefix=page/&after=page/10&limit=3");
      JsonObject page = new JsonObject(r.body());
      assertThat(page.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("key")))
          .containsExactly("page/11", "page/12", "page/13");
      assertThat(page.getBoolean("more")).isTrue();
      String emoji = URLEncoder.encode("page/\uE000", StandardCharsets.UTF_8);
      JsonArray last = new JsonObject(Http.get(url + "/v1/kv?prefix=page/&after=" + emoji).body()).getJsonArray("entries");
      assertThat(last.size()).isEqualTo(1);
      assertThat(last.getJsonObject(0).getString("key")).isEqualTo("page/\uD83D\uDE00");

      List<String> all = new ArrayList<>();
      for (KeyValue kv : client.scanAll("page/", 4, Consistency.LINEARIZABLE)) all.add(kv.key());
      assertThat(all).containsExactlyElementsOf(keys);

      assertThat(Http.get(url + "/v1/kv?prefix=page/&after=").statusCode()).isEqualTo(400);
      assertThat(Http.get(url + "/v1/kv?after=a&after=b").statusCode()).isEqualTo(400);
    }
  }
}
