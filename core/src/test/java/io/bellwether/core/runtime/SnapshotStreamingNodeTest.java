package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: a follower that missed everything catches up by a snapshot sent in the state machine's
// transferred form (not its local form) and rebuilt by its own sink, and ends in the leader's state;
// the leader releases what it exported once the transfer is over.
// Method: three real RaftNodes on an in-memory network with ManifestStateMachine (local form = a
// manifest naming a node's own blob, transferred form = the blob, many chunks long). Two take 60 writes
// and snapshot, compacting their logs; then the third starts with an empty store.
class SnapshotStreamingNodeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final Set<String> VOTERS = Set.of("a", "b", "c");
  private static final RaftConfig CONFIG =
      RaftConfig.DEFAULT.withTickMicros(10_000).withMaxAppendBytes(4096);

  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
  private final Map<String, ManifestStateMachine> machines = new LinkedHashMap<>();

  private RaftNode start(String id) {
    ManifestStateMachine sm = new ManifestStateMachine(id);
    RaftNode node = RaftNode.builder()
        .nodeId(id)
        .voters(VOTERS)
        .store(new InMemoryLogStore())
        .transport(network.transport(id))
        .stateMachine(sm)
        .raftConfig(CONFIG)
        .snapshotPolicy(new SnapshotPolicy(20, 1L << 30, 2))
        .build()
        .start();
    machines.put(id, sm);
    nodes.put(id, node);
    return node;
  }

  private static byte[] command(int i) {
    byte[] b = new byte[1000];
    for (int j = 0; j < b.length; j++) b[j] = (byte) (i * 131 + j);
    return b;
  }

  private RaftNode leader() {
    return await().atMost(DEADLINE).until(
        () -> nodes.values().stream().filter(n -> n.status().role() == Role.LEADER).findFirst().orElse(null),
        n -> n != null);
  }

  private byte[] linearizableState(RaftNode node) throws Exception {
    return node.query(new byte[0], ReadConsistency.LINEARIZABLE, 0).get(10, TimeUnit.SECONDS).result();
  }

  @Test
  void aFollowerThatMissedEverythingCatchesUpFromTheTransferredForm() throws Exception {
    try {
      start("a");
      start("b");
      RaftNode leader = leader();
      for (int i = 0; i < 60; i++) leader.propose(command(i)).get(10, TimeUnit.SECONDS);
      await().atMost(DEADLINE).until(() -> leader.status().snapshotsTaken() >= 1
          && leader.status().firstIndex() > 1);

      RaftNode c = start("c");
      await().atMost(DEADLINE).until(() -> c.status().snapshotsInstalled() >= 1 || c.stopped().isDone());
      assertThat(c.stopped()).as("c restored what it installed (%s)", c.status().failure()).isNotDone();
      ManifestStateMachine cm = machines.get("c");
      // The blob came over, in many chunks, and c restored from a manifest of its own.
      assertThat(cm.sinkChunks.get()).isGreaterThan(5);
      assertThat(cm.sinkBytes.get()).isGreaterThanOrEqualTo(20 * 1000);
      assertThat(cm.restoredFrom).isNotEmpty().allMatch(key -> key.startsWith("blob:c:"));

      RaftNode now = leader();
      for (int i = 60; i < 65; i++) now.propose(command(i)).get(10, TimeUnit.SECONDS);
      byte[] expected = linearizableState(now);
      assertThat(expected).hasSize(65 * 1000);
      for (RaftNode n : nodes.values()) {
        assertThat(linearizableState(n)).as(n.nodeId()).isEqualTo(expected);
      }
      int exports = machines.values().stream().mapToInt(m -> m.exports.get()).sum();
      assertThat(exports).isPositive();
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(
          machines.values().stream().mapToInt(m -> m.closes.get()).sum())
          .as("every export closed").isEqualTo(exports));
    } finally {
      nodes.values().forEach(RaftNode::close);
      network.close();
    }
  }
}
