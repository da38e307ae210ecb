package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.spi.StateMachine;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: core embeds alone under someone else's state machine, exactly as the README shows.
// Method: three RaftNodes in one JVM replicating a counter; increments, then a linearizable read.
class CounterEmbeddingTest {

  /** The README's example: a replicated counter. Commands are 8-byte deltas. */
  static final class Counter implements StateMachine {
    private long value;

    @Override
    public byte[] apply(long index, byte[] command) {
      if (command.length == 8) value += ByteBuffer.wrap(command).getLong();
      return ByteBuffer.allocate(8).putLong(value).array();
    }

    @Override
    public byte[] query(byte[] query) {
      return ByteBuffer.allocate(8).putLong(value).array();
    }

    @Override
    public byte[] snapshot() {
      return query(new byte[0]);
    }

    @Override
    public void restore(long index, byte[] snapshot) {
      value = ByteBuffer.wrap(snapshot).getLong();
    }
  }

  @Test
  void threeNodesReplicateACounter() throws Exception {
    Set<String> voters = Set.of("a", "b", "c");
    InMemoryNetwork network = new InMemoryNetwork();
    List<RaftNode> nodes = new ArrayList<>();
    for (String id : voters) {
      nodes.add(RaftNode.builder()
          .nodeId(id)
          .voters(voters)
          .store(new InMemoryLogStore())
          .transport(network.transport(id))
          .stateMachine(new Counter())
          .tick(Duration.ofMillis(10))
          .build()
          .start());
    }
    try {
      RaftNode leader = await().atMost(Duration.ofSeconds(10)).until(
          () -> nodes.stream().filter(n -> n.status().role() == Role.LEADER).findFirst().orElse(null),
          n -> n != null);
      for (int i = 1; i <= 10; i++) {
        leader.propose(ByteBuffer.allocate(8).putLong(i).array()).get(10, TimeUnit.SECONDS);
      }
      for (RaftNode n : nodes) {
        QueryResult r = n.query(new byte[0], ReadConsistency.LINEARIZABLE, 0).get(10, TimeUnit.SECONDS);
        assertThat(ByteBuffer.wrap(r.result()).getLong()).as(n.nodeId()).isEqualTo(55);
      }
    } finally {
      nodes.forEach(RaftNode::close);
      network.close();
    }
  }
}
