package io.bellwether.node.e2e;

// Goal: flapping partitions of every shape (isolated node, bridge, deaf leader, one-way link) stay linearizable.
// Method: 3 node processes under client load; 6 faults drawn from the seed, each held 1-3 s, then healed for a moment.

import org.junit.jupiter.api.Test;

class PartitionsE2eTest extends E2eScenario {

  @Test
  void flappingPartitionsKeepTheHistoryLinearizable() throws Exception {
    startClients();
    holdRandom(1000, 2000);
    for (int step = 0; step < rounds(6); step++) {
      String leader = cluster.leaderNow().orElse(E2eCluster.IDS.get(random.nextInt(3)));
      String other = otherThan(leader);
      switch (random.nextInt(4)) {
        case 0 -> cluster.isolate(E2eCluster.IDS.get(random.nextInt(3)));
        case 1 -> cluster.bridge(leader, other);
        case 2 -> cluster.deafen(leader);
        default -> {
          boolean fromLeader = random.nextBoolean();
          cluster.cut(fromLeader ? leader : other, fromLeader ? other : leader);
        }
      }
      holdRandom(1000, 3000);
      cluster.healLinks();
      holdRandom(500, 1500);
    }
    healAndCheck();
  }

  /** A node other than {@code id}, chosen by the seed. */
  private String otherThan(String id) {
    String pick;
    do {
      pick = E2eCluster.IDS.get(random.nextInt(3));
    } while (pick.equals(id));
    return pick;
  }
}
