package io.bellwether.node.e2e;

// Goal: a node frozen by SIGSTOP beyond an election timeout (leader, or follower serving reads) never lies on waking.
// Method: 3 node processes under load that keeps hitting the paused node; SIGSTOP 2-3.5 s, SIGCONT; 3 rounds.

import org.junit.jupiter.api.Test;

class PauseLeaderE2eTest extends E2eScenario {

  @Test
  void pausingTheLeaderOrAFollowerKeepsTheHistoryLinearizable() throws Exception {
    startClients();
    holdRandom(1500, 2500);
    for (int round = 0; round < rounds(3); round++) {
      String leader = cluster.awaitLeader(LEADER_WITHIN);
      // Rounds 1 and 2 freeze the leader, round 3 a follower that serves linearizable reads.
      String victim = round % 3 < 2 ? leader : cluster.anotherThan(leader);
      cluster.pause(victim);
      holdRandom(2000, 3500);
      cluster.resume(victim);
      holdRandom(1500, 2500);
    }
    healAndCheck();
  }
}
