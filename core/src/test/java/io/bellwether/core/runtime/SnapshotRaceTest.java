package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.spi.StateMachine;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

// Goal: a snapshot of our own that finishes writing in the same loop pass as the leader's snapshot is
// installed is dropped quietly; it must not stop the node (it did: the engine's log no longer held
// the entry the local snapshot ended with, and snapshotTaken threw on the node thread).
// Method: a real follower RaftNode with its background snapshot writer; the test plays the leader
// through the transport and lines up both events while the node thread stands still in a sync.
class SnapshotRaceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Counts applied commands; its snapshot is the count, so any 8 bytes restore it. */
  private static final class Counter implements StateMachine {
    volatile long count;

    @Override
    public byte[] apply(long index, byte[] command) {
      count++;
      return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
      return ByteBuffer.allocate(8).putLong(count).array();
    }

    @Override
    public byte[] snapshot() {
      return ByteBuffer.allocate(8).putLong(count).array();
    }

    @Override
    public void restore(long index, byte[] snapshot) {
      count = ByteBuffer.wrap(snapshot).getLong();
    }
  }

  @Test
  void aLocalSnapshotOvertakenByTheLeadersInTheSameLoopPassIsDropped() {
    GatedStore store = new GatedStore();
    Wire wire = new Wire();
    Counter counter = new Counter();
    try (RaftNode node = RaftNode.builder()
        .nodeId("f").voters(Set.of("f", "l", "m"))
        .store(store).transport(wire).stateMachine(counter)
        .tick(Duration.ofMillis(100)) // elections 1-2 s away: the test plays a live leader
        .snapshotPolicy(new SnapshotPolicy(5, 1L << 30, 0))
        .build().start()) {
      // The leader replicates and commits 1..8: the follower snapshots at 8, and its writer blocks.
      List<LogEntry> first = new ArrayList<>();
      for (long i = 1; i <= 8; i++) first.add(LogEntry.command(1, i, new byte[] {(byte) i}));
      wire.deliver(new AppendEntries("l", "f", 1, 0, 0, first, 8));
      await().atMost(DEADLINE).until(() -> node.status().appliedIndex() == 8);

      // The node thread stands still in the sync of entry 9 ...
      store.holdNextSync();
      wire.deliver(new AppendEntries("l", "f", 1, 8, 1, List.of(LogEntry.command(1, 9, new byte[] {9})), 9));
      await().atMost(DEADLINE).until(() -> store.syncHeld);
      // ... while the writer finishes the local snapshot (its switch now waits for the node thread)
      store.disk.countDown();
      await().atMost(DEADLINE).until(() -> writerIdle("f"));
      // ... and the leader's snapshot at 20 arrives behind it: both are handled in the next pass.
      byte[] data = ByteBuffer.allocate(8).putLong(20).array();
      CRC32C crc = new CRC32C();
      crc.update(data);
      wire.deliver(new InstallSnapshot("l", "f", 1, 20, 1, data.length, (int) crc.getValue(), 0, data));
      store.releaseSync();

      await().atMost(DEADLINE).until(() -> node.status().appliedIndex() == 20 || node.stopped().isDone());
      assertThat(node.stopped()).as("the node thread survived: %s", node.status().failure()).isNotDone();
      assertThat(node.status().snapshotsInstalled()).isEqualTo(1);
      assertThat(node.status().snapshotIndex()).isEqualTo(20);
      assertThat(counter.count).isEqualTo(20);
      // And it goes on following the leader after the snapshot.
      wire.deliver(new AppendEntries("l", "f", 1, 20, 1, List.of(LogEntry.command(1, 21, new byte[] {1})), 21));
      await().atMost(DEADLINE).until(() -> node.status().appliedIndex() == 21);
      assertThat(store.snapshot()).hasValueSatisfying(s -> assertThat(s.lastIndex()).isEqualTo(20));
    }
  }

  /** The snapshot writer thread has handed its result back and waits for more work. */
  private static boolean writerIdle(String nodeId) {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().equals("bellwether-snapshot-" + nodeId))
        .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("getTask")));
  }
}
