package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.core.spi.StorageException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: a snapshot is captured on the node thread but its data is produced by the capture's write()
// on the snapshot writer thread, while the node goes on applying; what is stored is the state as
// captured; and a write that fails stops the node like a failed store write.
// Method: a solo RaftNode whose state machine records the threads and holds its write at a latch.
class SnapshotCaptureTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  /** Sums the commands applied; a capture freezes the sum, its write encodes it. */
  private static final class CapturingSum implements StateMachine {
    private long sum;
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch letWrite = new CountDownLatch(1);
    volatile String captureThread;
    volatile String writeThread;
    volatile long captured = -1;
    volatile RuntimeException failWrite;

    @Override
    public byte[] apply(long index, byte[] command) {
      sum += command[0];
      return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
      return encode(sum);
    }

    @Override
    public byte[] snapshot() {
      throw new AssertionError("the runtime captures, it does not ask for the bytes on its thread");
    }

    @Override
    public SnapshotCapture captureSnapshot() {
      captureThread = Thread.currentThread().getName();
      long frozen = sum;
      if (captured < 0) captured = frozen;
      return () -> {
        writeThread = Thread.currentThread().getName();
        writing.countDown();
        try {
          letWrite.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (failWrite != null) throw failWrite;
        return encode(frozen);
      };
    }

    @Override
    public void restore(long index, byte[] snapshot) {
      sum = ByteBuffer.wrap(snapshot).getLong();
    }

    static byte[] encode(long v) {
      return ByteBuffer.allocate(8).putLong(v).array();
    }
  }

  private static RaftNode solo(InMemoryLogStore store, StateMachine sm) {
    return RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(store)
        .transport(new InMemoryNetwork().transport("n1"))
        .stateMachine(sm)
        .tick(Duration.ofMillis(10))
        .snapshotPolicy(new SnapshotPolicy(10, 1L << 30, 2))
        .build()
        .start();
  }

  private static void add(RaftNode node, int v) throws Exception {
    node.propose(new byte[] {(byte) v}).get(5, TimeUnit.SECONDS);
  }

  @Test
  void theWriterThreadWritesTheCapturedStateWhileTheNodeGoesOnApplying() throws Exception {
    CapturingSum sm = new CapturingSum();
    InMemoryLogStore store = new InMemoryLogStore();
    try (RaftNode node = solo(store, sm)) {
      await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
      for (int i = 0; i < 12; i++) add(node, 1);
      assertThat(sm.writing.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      // The write is held; the node thread is not: more writes are applied meanwhile.
      for (int i = 0; i < 5; i++) add(node, 100);
      assertThat(node.status().snapshotsTaken()).isZero();
      sm.letWrite.countDown();
      await().atMost(DEADLINE).until(() -> node.status().snapshotsTaken() >= 1);

      assertThat(sm.captureThread).isEqualTo("bellwether-node-n1");
      assertThat(sm.writeThread).isEqualTo("bellwether-snapshot-n1");
      assertThat(store.snapshot()).hasValueSatisfying(s -> assertThat(s.data())
          .as("the state when captured, not when written").isEqualTo(CapturingSum.encode(sm.captured)));
      assertThat(sm.captured).isLessThan(100);
    }
  }

  @Test
  void aCaptureWhoseWriteFailsStopsTheNode() throws Exception {
    CapturingSum sm = new CapturingSum();
    sm.failWrite = new StorageException("cannot write snapshot files (test)");
    sm.letWrite.countDown();
    RaftNode node = solo(new InMemoryLogStore(), sm);
    try {
      await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
      await().atMost(DEADLINE).until(() -> {
        node.propose(new byte[] {1}); // keep writing until the snapshot is attempted and fails
        return node.stopped().isDone();
      });
      assertThat(node.stopped()).isCompletedExceptionally();
      assertThat(node.status().failure()).contains("cannot write snapshot files (test)");
    } finally {
      node.close();
    }
  }
}
