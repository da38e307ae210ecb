package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.LogStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: writing a snapshot's data never holds up the node thread. A leader that stops for the length
// of a snapshot write stops heartbeating, and a cold or slow disk then costs an election (seen on
// real processes: every node's first MapDB snapshot file took long enough to depose the leader).
// Method: a solo node whose store blocks whenever snapshot data is written, until the test lets it.
class SnapshotWriterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private static RaftNode solo(LogStore store) {
    return RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(store)
        .transport(new InMemoryNetwork().transport("n1"))
        .stateMachine(new KvStateMachine())
        .tick(Duration.ofMillis(10))
        .snapshotPolicy(new SnapshotPolicy(20, 1L << 30, 5))
        .build()
        .start();
  }

  private static void put(KvClient client, int i) throws Exception {
    byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
    assertThat(client.put("k" + (i % 7), value).get(5, TimeUnit.SECONDS).ok()).isTrue();
  }

  @Test
  void writesGoOnWhileASnapshotIsBeingWrittenAndTheSwitchFollowsTheWrite() throws Exception {
    GatedStore store = new GatedStore();
    try (RaftNode node = solo(store)) {
      await().atMost(DEADLINE).until(() -> node.status().role() == io.bellwether.core.engine.Role.LEADER);
      KvClient client = new KvClient(node);
      // Far past the threshold: the first snapshot's data cannot be written until the disk is let go.
      for (int i = 0; i < 100; i++) put(client, i);
      assertThat(node.status().snapshotsTaken()).as("not switched before its data is written").isZero();
      assertThat(node.status().firstIndex()).as("nothing compacted yet").isEqualTo(1);

      store.disk.countDown();

      await().atMost(DEADLINE).until(() -> node.status().snapshotsTaken() >= 1);
      put(client, 100); // and once more past the threshold: the next snapshot goes through at once
      for (int i = 101; i < 130; i++) put(client, i);
      await().atMost(DEADLINE).until(() -> node.status().snapshotsTaken() >= 2 && node.status().firstIndex() > 1);
      assertThat(store.snapshot()).isPresent();
    }
  }

  @Test
  void aSnapshotWriteThatFailsStopsTheNodeLikeAFailedSync() throws Exception {
    GatedStore store = new GatedStore();
    store.disk.countDown();
    store.failNextPrepare = true;
    RaftNode node = solo(store);
    try {
      await().atMost(DEADLINE).until(() -> node.status().role() == io.bellwether.core.engine.Role.LEADER);
      KvClient client = new KvClient(node);
      await().atMost(DEADLINE).until(() -> {
        client.put("k", new byte[] {1}); // keep writing until the snapshot is attempted and fails
        return node.stopped().isDone();
      });
      assertThat(node.stopped()).isCompletedExceptionally();
      assertThat(node.status().failure()).contains("no space left on device (test)");
    } finally {
      node.close();
    }
  }
}
