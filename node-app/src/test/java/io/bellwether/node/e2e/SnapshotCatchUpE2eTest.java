package io.bellwether.node.e2e;

// Goal: a follower stopped while the others commit many snapshots' worth of entries catches up through
// InstallSnapshot after it restarts (real processes, MapDB). Method: kill a follower under load, hold, restart.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SnapshotCatchUpE2eTest extends E2eScenario {

  @Test
  void aStoppedFollowerCatchesUpThroughInstallSnapshot() throws Exception {
    startClients();
    holdRandom(1000, 1500);
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    String follower = E2eCluster.IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    long takenBefore = snapshot(leader).getLong("taken");
    cluster.kill(follower);
    // Wait until the leader has compacted past everything the follower holds: several snapshots.
    await("the leader takes snapshots").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.status(leader).map(s -> s.getJsonObject("snapshot").getLong("taken")).orElse(0L)
            >= takenBefore + 3);
    cluster.restart(follower);
    await("the follower installs a snapshot").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> cluster.status(follower).map(s -> s.getJsonObject("snapshot").getLong("installed")).orElse(0L)
            >= 1);
    assertThat(snapshot(follower).getLong("index")).isPositive();
    holdRandom(1000, 1500);
    healAndCheck();
  }

  private JsonObject snapshot(String id) {
    return cluster.status(id).orElseThrow().getJsonObject("snapshot");
  }
}
