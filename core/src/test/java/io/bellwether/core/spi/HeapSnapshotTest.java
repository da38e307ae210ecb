package io.bellwether.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

// Goal: the in-heap defaults every state machine gets keep today's behaviour: the sink gathers the
// chunks, bounded by the leader's claim and by the largest array, and returns them as the local form;
// the data reads by offset and announces the CRC32C of all its bytes; capture hands over snapshot().
// Method: the classes directly, and a state machine that overrides nothing but the four basics.
class HeapSnapshotTest {

  @Test
  void theSinkGathersTheChunksAndCompletesWithThem() {
    HeapSnapshotSink sink = new HeapSnapshotSink(5);
    sink.write(new byte[] {1, 2});
    sink.write(new byte[] {3, 4, 5});
    assertThat(sink.received()).isEqualTo(5);
    assertThat(sink.complete()).containsExactly(1, 2, 3, 4, 5);
    assertThatThrownBy(() -> sink.write(new byte[1])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSinkTakesNoMoreThanTheLeaderAnnouncedNorMoreThanAnArray() {
    HeapSnapshotSink sink = new HeapSnapshotSink(3);
    assertThatThrownBy(() -> sink.write(new byte[4]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the announced 3");
    assertThatThrownBy(() -> new HeapSnapshotSink(HeapSnapshotSink.MAX_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit in the heap");
    sink.abort();
    sink.abort(); // idempotent
  }

  @Test
  void heapDataReadsByOffsetAndAnnouncesTheChecksumOfTheWhole() {
    byte[] bytes = new byte[100];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
    SnapshotData data = SnapshotData.of(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    assertThat(data.size()).isEqualTo(100);
    assertThat(data.checksum()).isEqualTo((int) crc.getValue()).isEqualTo(data.checksum());
    assertThat(data.read(90, 64)).hasSize(10).startsWith(90);
    assertThat(data.read(100, 64)).isEmpty();
    assertThatThrownBy(() -> data.read(101, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStateMachineThatOverridesNothingNewSendsAndReceivesItsSnapshotBytes() {
    StateMachine plain = new StateMachine() {
      @Override
      public byte[] apply(long index, byte[] command) {
        return new byte[0];
      }

      @Override
      public byte[] query(byte[] query) {
        return new byte[0];
      }

      @Override
      public byte[] snapshot() {
        return new byte[] {7, 8, 9};
      }

      @Override
      public void restore(long index, byte[] snapshot) {}
    };
    assertThat(plain.captureSnapshot().write()).containsExactly(7, 8, 9);
    assertThat(plain.exportSnapshot(4, new byte[] {1, 2}).read(0, 10)).containsExactly(1, 2);
    SnapshotSink sink = plain.receiveSnapshot(4, 2);
    assertThat(sink).isInstanceOf(HeapSnapshotSink.class);
    sink.write(new byte[] {1, 2});
    assertThat(sink.complete()).containsExactly(1, 2);
  }
}
