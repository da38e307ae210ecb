package io.bellwether.core.kv;

// Goal: a snapshot carries the whole state and restore rebuilds it exactly, or changes nothing.
// Method: snapshot a populated machine, restore into another, compare hashes, reads and snapshots.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvSnapshotTest {

  private final KvDriver source = new KvDriver();
  private final KvDriver target = new KvDriver();

  @BeforeEach
  void populate() {
    source.put("a", "1");
    source.put("b/\uD83D\uDE00", "2");
    source.delete("a");
    source.apply(new KvCommand.Put("c", new byte[300], KvCommand.ABSENT, "req-1", 77_000));
    target.put("stale", "gone after restore");
  }

  @Test
  void restoreRebuildsTheWholeState() {
    target.sm.restore(source.index, source.sm.snapshot());
    assertThat(target.sm.stateHash()).isEqualTo(source.sm.stateHash());
    assertThat(target.sm.snapshot()).isEqualTo(source.sm.snapshot());
    assertThat(target.sm.size()).isEqualTo(2);
    assertThat(target.get("stale").found()).isFalse();
    assertThat(target.get("b/\uD83D\uDE00")).isEqualTo(source.get("b/\uD83D\uDE00"));
    assertThat(target.sm.logClockMillis()).isEqualTo(77_000);
    assertThat(target.sm.idempotencyRecordCount()).isEqualTo(1);
  }

  @Test
  void emptyStateRoundTrips() {
    KvStateMachine empty = new KvStateMachine();
    target.sm.restore(0, empty.snapshot());
    assertThat(target.sm.stateHash()).isEqualTo(empty.stateHash());
    assertThat(target.sm.size()).isZero();
  }

  @Test
  void aBadSnapshotThrowsAndLeavesTheStateUnchanged() {
    long before = target.sm.stateHash();
    byte[] good = source.sm.snapshot();
    byte[][] bad = {
      new byte[0], Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1),
      KvCommand.put("a", utf8("1"), 1).encode()
    };
    for (byte[] snapshot : bad) {
      assertThatThrownBy(() -> target.sm.restore(4, snapshot))
          .isInstanceOf(KvFormatException.class);
      assertThat(target.sm.stateHash()).isEqualTo(before);
    }
  }

  @Test
  void everyTruncationIsRejected() {
    byte[] good = source.sm.snapshot();
    for (int length = 0; length < good.length; length++) {
      byte[] truncated = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> target.sm.restore(4, truncated))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void keysOutOfOrderAreRejected() {
    // Hand-built: clock 0, two entries "b" then "a", no idempotency records.
    byte[] snapshot = {1, 0x41, 0, 2, 1, 'b', 1, 0, 1, 'a', 2, 0, 0};
    assertThatThrownBy(() -> target.sm.restore(2, snapshot)).hasMessageContaining("out of order");
  }
}
