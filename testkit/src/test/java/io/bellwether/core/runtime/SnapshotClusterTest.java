package io.bellwether.core.runtime;

import io.bellwether.testkit.cluster.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvRead;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

// Goal: snapshots bound the log, a follower that missed compacted entries catches up through
// InstallSnapshot, and a restart loads the newest snapshot then replays only what follows it.
// Method: LocalCluster with a tiny snapshot threshold; kill, write many snapshots' worth, restart.
class SnapshotClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final SnapshotPolicy TINY = new SnapshotPolicy(20, 1L << 30, 5);
  private LocalCluster cluster;

  @BeforeAll
  static void pollPromptly() {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
  }

  @AfterEach
  void tearDown() {
    if (cluster != null) cluster.close();
  }

  private String leader() {
    return await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null);
  }

  private KvWrite put(String key, String value) {
    return await().atMost(DEADLINE).ignoreExceptions().until(
        () -> new KvClient(cluster.node(leader())).put(key, value.getBytes(StandardCharsets.UTF_8))
            .get(5, TimeUnit.SECONDS),
        KvWrite::ok);
  }

  private String read(String node, String key, long minIndex) throws Exception {
    KvRead r = new KvClient(cluster.node(node)).get(key, ReadConsistency.STALE, minIndex)
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    return r.found() ? new String(r.value(), StandardCharsets.UTF_8) : null;
  }

  @Test
  void stoppedFollowerCatchesUpThroughInstallSnapshot() throws Exception {
    long seed = System.nanoTime();
    System.out.println("snapshot cluster seed=" + seed);
    cluster = new LocalCluster(3, KvStateMachine::new, seed, RaftConfig.DEFAULT, TINY);
    String leader = leader();
    String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    cluster.kill(follower);
    KvWrite last = null;
    for (int i = 0; i < 120; i++) last = put("k" + (i % 10), "v" + i);
    NodeStatus ls = cluster.node(leader()).status();
    assertThat(ls.snapshotsTaken()).as("leader snapshots").isGreaterThanOrEqualTo(4);
    assertThat(ls.firstIndex()).as("leader compacted its log").isGreaterThan(50);

    cluster.restart(follower);
    assertThat(read(follower, "k9", last.index())).isEqualTo("v119");
    NodeStatus fs = cluster.node(follower).status();
    assertThat(fs.snapshotsInstalled()).as("follower installed a snapshot").isGreaterThanOrEqualTo(1);
    assertThat(fs.snapshotBytes()).as("follower reports the installed snapshot's size").isPositive();
    assertThat(ls.snapshotBytes()).as("leader reports its snapshot's size").isPositive();
    assertThat(cluster.node(leader()).status().snapshotsSent()).as("leader counts the transfer").isGreaterThanOrEqualTo(1);
    long applied = last.index();
    await().atMost(DEADLINE).until(() -> cluster.ids().stream()
        .allMatch(id -> cluster.node(id).status().appliedIndex() >= applied));
  }

  @Test
  void restartLoadsTheNewestSnapshotAndKeepsEveryWrite() throws Exception {
    long seed = System.nanoTime();
    System.out.println("snapshot cluster seed=" + seed);
    cluster = new LocalCluster(3, KvStateMachine::new, seed, RaftConfig.DEFAULT, TINY);
    KvWrite last = null;
    for (int i = 0; i < 75; i++) last = put("key" + i, "value" + i);
    long index = last.index();
    await().atMost(DEADLINE).until(() -> cluster.ids().stream()
        .allMatch(id -> cluster.node(id).status().snapshotIndex() > 0
            && cluster.node(id).status().appliedIndex() >= index));
    cluster.restartAll();
    for (String id : cluster.ids()) {
      NodeStatus s = cluster.node(id).status();
      assertThat(s.snapshotIndex()).as(id + " loaded a snapshot").isGreaterThan(0);
    }
    String l = leader();
    for (int i = 0; i < 75; i++) assertThat(read(l, "key" + i, index)).isEqualTo("value" + i);
  }
}
