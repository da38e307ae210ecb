package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.client.BellwetherClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: the Java client follows the leader for writes. Given the followers first, its first write is
 * forwarded by a follower (the answer names the leader), and from then on its writes go to the
 * leader's endpoint directly: the followers see almost none of them. Without leader following every
 * write would go through the first follower and be forwarded.
 */
class ClientLeaderFollowTest {

  @Test
  void afterAForwardedWriteTheClientSendsWritesToTheLeaderDirectly() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, Map.of())) {
      BellwetherNode leader = cluster.awaitLeader();
      List<BellwetherNode> followers = cluster.nodes.stream().filter(n -> n != leader).toList();
      List<String> urls = new ArrayList<>();
      followers.forEach(f -> urls.add(f.httpUrl()));
      urls.add(leader.httpUrl());
      try (BellwetherClient client = BellwetherClient.builder().endpoints(urls.toArray(String[]::new)).build()) {
        for (int i = 0; i < 30; i++) client.put("follow/" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
      }
      double atLeader = puts(leader);
      double atFollowers = puts(followers.get(0)) + puts(followers.get(1));
      // The first write reaches a follower, which forwards it (the leader counts it too).
      assertThat(atFollowers).as("writes the followers took").isLessThanOrEqualTo(1.0);
      assertThat(atLeader).as("writes the leader took").isGreaterThanOrEqualTo(30.0);
    }
  }

  /** How many PUTs of keys this node's HTTP API answered. */
  private static double puts(BellwetherNode node) throws Exception {
    double n = 0;
    for (String line : Http.get(node.httpUrl() + "/metrics").body().split("\n")) {
      if (line.startsWith("bellwether_http_requests_seconds_count{") && line.contains("route=\"kv_put\"")) {
        n += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return n;
  }
}
