package io.bellwether.node.e2e;

// Goal: a leader that can send but not receive (its heartbeats arrive, no answer does) is replaced
// without a lost or stale answer. Method: 3 node processes under load; twice: deafen the leader, hold, heal.

import org.junit.jupiter.api.Test;

class DeafLeaderE2eTest extends E2eScenario {

  @Test
  void aLeaderThatCannotHearKeepsTheHistoryLinearizable() throws Exception {
    startClients();
    holdRandom(1000, 2000);
    for (int round = 0; round < rounds(2); round++) {
      String leader = cluster.awaitLeader(LEADER_WITHIN);
      cluster.deafen(leader);
      holdRandom(2500, 4000);
      cluster.healLinks();
      holdRandom(1000, 2000);
    }
    healAndCheck();
  }
}
