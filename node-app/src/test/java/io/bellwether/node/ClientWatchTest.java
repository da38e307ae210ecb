package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RetryPolicy;
import io.bellwether.client.Watch;
import io.bellwether.client.WatchEvent;
import io.bellwether.client.WatchListener;
import io.bellwether.client.WatchRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Goal: the Java client's watch delivers exactly the acknowledged changes, in log order, while the
 * node it watches through stops mid-stream: it resumes on the next node with the last id it heard, no
 * gap and no duplicate. Method: a 3-node cluster in this JVM; the watcher's endpoint list starts with a
 * follower, which is closed once the watcher has seen some events, while a writer (through the other
 * two nodes) goes on putting and deleting keys.
 */
class ClientWatchTest {

  record Change(WatchEvent.Type type, String key, long index, String value) {}

  static final RetryPolicy QUICK = new RetryPolicy(100, Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(200));

  @Test
  void aWatchThroughAFollowerThatStopsSeesExactlyTheAcknowledgedChangesInOrder() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ClientWatchTest seed=" + seed);
    Random random = new Random(seed);
    try (TestCluster cluster = TestCluster.start(3, Map.of("watch.heartbeat.interval", "200ms"))) {
      BellwetherNode leader = cluster.awaitLeader();
      List<BellwetherNode> followers = cluster.nodes.stream().filter(n -> n != leader).toList();
      BellwetherNode doomed = followers.get(0);
      String prefix = "watched/";
      List<Change> seen = new CopyOnWriteArrayList<>();
      AtomicReference<Throwable> ended = new AtomicReference<>();
      try (BellwetherClient watcher = BellwetherClient.builder()
              .endpoints(doomed.httpUrl(), leader.httpUrl(), followers.get(1).httpUrl()).retry(QUICK).build();
          BellwetherClient writer = BellwetherClient.builder().endpoints(leader.httpUrl(), followers.get(1).httpUrl())
              .retry(QUICK).build()) {
        long from = leader.status().appliedIndex() + 1;
        Watch watch = watcher.watch(WatchRequest.prefix(prefix).fromIndex(from), new WatchListener() {
          @Override
          public void onEvent(WatchEvent e) {
            seen.add(new Change(e.type(), e.key(), e.index(), e.valueAsString()));
          }

          @Override
          public void onError(Throwable error) {
            ended.set(error);
          }

          @Override
          public void onCompacted(long oldestIndex) {
            ended.set(new AssertionError("compacted at " + oldestIndex));
          }
        });
        List<Change> expected = new ArrayList<>();
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
          if (i == 50) {
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 30);
            assertThat(watch.isConnected()).isTrue();
            doomed.close(); // mid-stream: the watcher must move on
          }
          int roll = random.nextInt(10);
          if (roll < 2 && !live.isEmpty()) {
            String key = live.remove(random.nextInt(live.size()));
            expected.add(new Change(WatchEvent.Type.DELETE, key, writer.delete(key).index(), null));
          } else if (roll < 3) {
            writer.put("other/" + i, bytes("x"));
          } else {
            String key = prefix + random.nextInt(30);
            expected.add(new Change(WatchEvent.Type.PUT, key, writer.put(key, bytes("v" + i)).index(), "v" + i));
            if (!live.contains(key)) live.add(key);
          }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= expected.size() || ended.get() != null);
        assertThat(ended.get()).isNull();
        assertThat(seen).as("seed " + seed).containsExactlyElementsOf(expected);
        assertThat(watch.isRunning()).isTrue();
        assertThat(Long.parseLong(watch.lastEventId())).isGreaterThanOrEqualTo(expected.get(expected.size() - 1).index());
      }
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
