package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.engine.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: a leader that is closed gracefully hands its leadership to another voter before it stops
 * (shutdown.transfer.leadership, on by default), so another node already leads when close()
 * returns; with the setting off, or on a follower, nothing is handed over. Method: 3-node
 * clusters in this JVM; the process-level proof with SIGTERM and the clients' pause is
 * LeaderHandoverIT.
 */
class ShutdownHandoverTest {

  @Test
  void aClosedLeaderHandsOverFirst() throws Exception {
    try (TestCluster c = TestCluster.start(3, Map.of())) {
      BellwetherNode leader = c.awaitLeader();
      BellwetherNode follower = c.aFollower();
      assertThat(follower.handOverLeadership()).as("a follower has nothing to hand over").isEmpty();

      leader.close();

      List<BellwetherNode> others = c.nodes.stream().filter(n -> n != leader).toList();
      assertThat(others).as("another node leads the moment the old leader is closed")
          .anySatisfy(n -> assertThat(n.status().role()).isEqualTo(Role.LEADER));
      assertThat(leader.registry().find("bellwether.raft.leader.transfers").tag("outcome", "moved").counter().count())
          .isEqualTo(1);
      assertThat(leader.handOverLeadership()).as("taken once").isEmpty();
    }
  }

  @Test
  void withTheSettingOffALeaderJustStops() throws Exception {
    try (TestCluster c = TestCluster.start(3, Map.of("shutdown.transfer.leadership", "false"))) {
      BellwetherNode leader = c.awaitLeader();
      assertThat(leader.handOverLeadership()).isEmpty();
      leader.close();
      assertThat(leader.registry().find("bellwether.raft.leader.transfers").counters())
          .allSatisfy(counter -> assertThat(counter.count()).isZero());
    }
  }
}
