package io.bellwether.node.e2e;

// Goal: killing the leader with kill -9 again and again, under client load, loses no acknowledged write.
// Method: 3 node processes behind link proxies (one link slowed); 3 rounds: SIGKILL the leader, restart it.

import org.junit.jupiter.api.Test;

class KillLeaderE2eTest extends E2eScenario {

  @Test
  void killingTheLeaderRepeatedlyKeepsTheHistoryLinearizable() throws Exception {
    String slowFrom = E2eCluster.IDS.get(random.nextInt(3));
    cluster.delay(slowFrom, cluster.anotherThan(slowFrom), 10 + random.nextInt(60));
    startClients();
    holdRandom(1500, 2500);
    for (int round = 0; round < rounds(3); round++) {
      String leader = cluster.awaitLeader(LEADER_WITHIN);
      cluster.kill(leader);
      holdRandom(1500, 3000);
      cluster.restart(leader);
      holdRandom(1000, 2000);
    }
    healAndCheck();
  }
}
