package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Watch;
import io.bellwether.client.recipes.LeaderElection;
import io.bellwether.client.recipes.LockHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@link LeaderElection} has one leader at a time among three candidates; when the leader
 * resigns another takes over, with a greater term; an observer sees each leader in turn and then
 * nobody. Method: a 3-node cluster in this JVM, one client per candidate.
 */
class LeaderElectionTest {

  @Test
  void oneLeaderAtATimeAndResigningHandsOverWhileObserversFollow() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, Map.of("watch.heartbeat.interval", "500ms"))) {
      cluster.awaitLeader();
      List<BellwetherClient> clients = new ArrayList<>();
      List<LeaderElection> candidates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        clients.add(BellwetherClient.builder().endpoints(cluster.nodes.get(i % 3).httpUrl(),
            cluster.nodes.get((i + 1) % 3).httpUrl()).build());
        candidates.add(new LeaderElection(clients.get(i), "election", Duration.ofSeconds(5)));
      }
      try {
        List<Optional<String>> observed = new CopyOnWriteArrayList<>();
        Watch observer = candidates.get(3).observe(observed::add);
        assertThat(observed).containsExactly(Optional.empty());

        List<CompletableFuture<LockHandle>> campaigns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          LeaderElection e = candidates.get(i);
          String value = "candidate-" + i;
          campaigns.add(CompletableFuture.supplyAsync(() -> {
            try {
              return e.campaign(value, Duration.ofSeconds(30));
            } catch (Exception ex) {
              throw new IllegalStateException(ex);
            }
          }));
        }
        List<String> order = new ArrayList<>();
        long lastTerm = 0;
        for (int round = 0; round < 3; round++) {
          await().atMost(Duration.ofSeconds(10)).until(() -> campaigns.stream().filter(CompletableFuture::isDone).count()
              > order.size());
          List<Integer> leading = new ArrayList<>();
          for (int i = 0; i < 3; i++) if (candidates.get(i).isLeader()) leading.add(i);
          assertThat(leading).as("one leader at a time").hasSize(1);
          int leader = leading.get(0);
          String value = "candidate-" + leader;
          order.add(value);
          assertThat(candidates.get(3).leader()).contains(value);
          long term = campaigns.get(leader).join().fencingToken();
          assertThat(term).isGreaterThan(lastTerm);
          lastTerm = term;
          await().atMost(Duration.ofSeconds(10)).until(() -> observed.get(observed.size() - 1).equals(Optional.of(value)));
          // The others are still waiting: exactly one campaign more has ended.
          assertThat(campaigns.stream().filter(CompletableFuture::isDone).count()).isEqualTo(order.size());
          candidates.get(leader).resign();
          assertThat(candidates.get(leader).isLeader()).isFalse();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> observed.get(observed.size() - 1).isEmpty());
        assertThat(candidates.get(3).leader()).isEmpty();
        List<Optional<String>> expected = new ArrayList<>();
        expected.add(Optional.empty());
        order.forEach(v -> expected.add(Optional.of(v)));
        expected.add(Optional.empty());
        assertThat(observed).containsExactlyElementsOf(expected);
        assertThat(order).containsExactlyInAnyOrder("candidate-0", "candidate-1", "candidate-2");
        observer.close();
      } finally {
        clients.forEach(BellwetherClient::close);
      }
    }
  }
}
