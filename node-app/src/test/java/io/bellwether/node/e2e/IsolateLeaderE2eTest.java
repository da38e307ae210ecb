package io.bellwether.node.e2e;

// Goal: a leader isolated in a minority stops acknowledging; the majority elects another; nothing acked is lost.
// Method: 3 node processes, clients on every node including the isolated one; twice: cut both ways, wait, heal.

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsolateLeaderE2eTest extends E2eScenario {

  @Test
  void isolatingTheLeaderKeepsTheHistoryLinearizable() throws Exception {
    startClients();
    holdRandom(1500, 2500);
    for (int round = 0; round < rounds(2); round++) {
      String old = cluster.awaitLeader(LEADER_WITHIN);
      cluster.isolate(old);
      await("a new leader in the majority").atMost(LEADER_WITHIN).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            Optional<String> l = cluster.leaderNow();
            return l.isPresent() && !l.get().equals(old);
          });
      cluster.log("new leader " + cluster.leaderNow().orElse("?"));
      holdRandom(2000, 3500);
      cluster.healAll();
      holdRandom(1500, 2500);
    }
    healAndCheck();
  }
}
