package io.bellwether.node.e2e;

// Goal: with a bridge (two nodes cut from each other, the third sees both), the cluster stays linearizable and live.
// Method: 3 node processes under client load; twice: cut the leader from one follower both ways, hold, heal.

import org.junit.jupiter.api.Test;

class BridgeE2eTest extends E2eScenario {

  @Test
  void aBridgeNodeKeepsTheHistoryLinearizable() throws Exception {
    startClients();
    holdRandom(1000, 2000);
    for (int round = 0; round < rounds(2); round++) {
      String leader = cluster.awaitLeader(LEADER_WITHIN);
      String cutOff = E2eCluster.IDS.stream().filter(id -> !id.equals(leader))
          .skip(random.nextInt(2)).findFirst().orElseThrow();
      cluster.bridge(leader, cutOff);
      holdRandom(2500, 4000);
      cluster.healLinks();
      holdRandom(1000, 2000);
    }
    healAndCheck();
  }
}
