package io.bellwether.node.e2e;

// Goal: killing every node at once (kill -9) and restarting them on their data loses no acknowledged write.
// Method: 3 node processes under client load, all killed, all restarted, load goes on; the history is checked.

import org.junit.jupiter.api.Test;

class KillAllE2eTest extends E2eScenario {

  @Test
  void killingEveryNodeAndRestartingLosesNothing() throws Exception {
    startClients();
    holdRandom(2500, 4000);
    for (String id : E2eCluster.IDS) {
      cluster.kill(id);
    }
    holdRandom(500, 1500);
    cluster.restartAll();
    cluster.awaitLeader(LEADER_WITHIN);
    holdRandom(3000, 4500);
    healAndCheck();
  }
}
