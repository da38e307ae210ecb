package io.bellwether.client;

import static io.bellwether.client.FakeNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: following the leader costs at most one look-up per refresh period, however many writes name
 * a leader the client cannot place (here a node that does not answer {@code /v1/cluster}), and a
 * hint the client cannot use leaves it where it was. The real cluster's side is {@code
 * ClientLeaderFollowTest} in node-app.
 */
class LeaderHintsTest {

  @Test
  void anUnplaceableLeaderIsLookedUpOnceAndWritesStayPut() throws Exception {
    try (FakeNode a = new FakeNode(); FakeNode b = new FakeNode()) {
      a.then(json(200, "{\"key\":\"k\",\"version\":5,\"index\":5}", Map.of("X-Bellwether-Node", "elsewhere")));
      try (BellwetherClient client = BellwetherClient.builder().endpoints(a.url(), b.url())
          .retry(BellwetherClientRetryTest.FAST).build()) {
        for (int i = 0; i < 20; i++) client.put("k", "v".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(a.clusterLookups).hasValue(1);
      assertThat(a.received).hasSize(20);
      assertThat(b.received).isEmpty();
    }
  }
}
