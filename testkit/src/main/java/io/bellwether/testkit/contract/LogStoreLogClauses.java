package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link LogStoreContract}'s clauses about the log itself: indexes, appends, reads, truncation, hard state. */
abstract class LogStoreLogClauses extends LogStoreReadBackClauses {

  // ---- indexes of an empty store

  @Test
  void newStoreIsEmpty() {
    LogStore store = open();

    assertThat(store.firstIndex()).isEqualTo(1);
    assertThat(store.lastIndex()).isZero();
    assertThat(store.term(0)).isZero();
    assertThat(store.hardState()).isEqualTo(HardState.INITIAL);
    assertThat(store.snapshot()).isEmpty();
    assertThat(store.entries(1, 1, NO_LIMIT)).isEmpty();
  }

  @Test
  void termOutsideLogIsRejected() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    assertThatThrownBy(() -> store.term(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.term(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- append and read

  @Test
  void appendedEntriesAreReadBackBeforeSync() {
    LogStore store = open();
    List<LogEntry> appended = entries(1, 3, 1);

    store.append(appended);

    assertThat(store.firstIndex()).isEqualTo(1);
    assertThat(store.lastIndex()).isEqualTo(3);
    assertThat(store.entries(1, 4, NO_LIMIT)).containsExactlyElementsOf(appended);
    assertThat(store.entries(2, 3, NO_LIMIT)).containsExactly(appended.get(1));
    assertThat(store.term(2)).isEqualTo(1);
  }

  @Test
  void appendsAccumulate() {
    LogStore store = open();
    store.append(entries(1, 2, 1));
    store.append(entries(3, 5, 2));

    assertThat(store.lastIndex()).isEqualTo(5);
    assertThat(store.entries(1, 6, NO_LIMIT)).extracting(LogEntry::term).containsExactly(1L, 1L, 2L, 2L, 2L);
  }

  @Test
  void entriesStopBeforeExceedingMaxBytes() {
    LogStore store = open();
    store.append(entries(1, 5, 1));
    long oneEntryBytes = store.entries(1, 2, NO_LIMIT).get(0).sizeBytes();

    assertThat(store.entries(1, 6, 2 * oneEntryBytes)).hasSize(2);
    assertThat(store.entries(1, 6, 2 * oneEntryBytes + 1)).hasSize(2);
    assertThat(store.entries(1, 6, 3 * oneEntryBytes)).hasSize(3);
  }

  @Test
  void entriesReturnAtLeastOneEntryWhateverMaxBytes() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    assertThat(store.entries(2, 4, 1)).extracting(LogEntry::index).containsExactly(2L);
    assertThat(store.entries(2, 4, 0)).extracting(LogEntry::index).containsExactly(2L);
  }

  @Test
  void emptyRangeReturnsNothing() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    assertThat(store.entries(2, 2, NO_LIMIT)).isEmpty();
    assertThat(store.entries(4, 4, NO_LIMIT)).isEmpty();
  }

  @Test
  void rangeOutsideLogIsRejected() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    assertThatThrownBy(() -> store.entries(0, 2, NO_LIMIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.entries(1, 5, NO_LIMIT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.entries(3, 2, NO_LIMIT)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entryBytesAreKeptExactly() {
    LogStore store = open();
    byte[] data = new byte[256];
    for (int i = 0; i < data.length; i++) data[i] = (byte) i;
    LogEntry entry = LogEntry.command(3, 1, data);

    store.append(List.of(entry, LogEntry.noop(3, 2)));

    assertThat(store.entries(1, 3, NO_LIMIT)).containsExactly(entry, LogEntry.noop(3, 2));
  }

  // ---- truncation

  @Test
  void appendOverlappingTheLogReplacesItsSuffix() {
    LogStore store = open();
    store.append(entries(1, 5, 1));

    store.append(entries(3, 4, 2));

    assertThat(store.lastIndex()).isEqualTo(4);
    assertThat(store.entries(1, 5, NO_LIMIT)).extracting(LogEntry::term).containsExactly(1L, 1L, 2L, 2L);
  }

  @Test
  void truncateSuffixRemovesFromIndexOn() {
    LogStore store = open();
    store.append(entries(1, 5, 1));

    store.truncateSuffix(4);

    assertThat(store.lastIndex()).isEqualTo(3);
    assertThatThrownBy(() -> store.term(4)).isInstanceOf(IllegalArgumentException.class);
    store.append(entries(4, 4, 2));
    assertThat(store.term(4)).isEqualTo(2);
  }

  @Test
  void truncateSuffixPastTheEndChangesNothing() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    store.truncateSuffix(4);
    store.truncateSuffix(100);

    assertThat(store.lastIndex()).isEqualTo(3);
  }

  @Test
  void truncateSuffixCanEmptyTheLog() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    store.truncateSuffix(1);

    assertThat(store.firstIndex()).isEqualTo(1);
    assertThat(store.lastIndex()).isZero();
  }

  // ---- rejected appends

  @Test
  void appendLeavingAGapIsRejected() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    assertThatThrownBy(() -> store.append(entries(5, 6, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.lastIndex()).isEqualTo(3);
  }

  @Test
  void appendToEmptyStoreMustStartAtOne() {
    LogStore store = open();

    assertThatThrownBy(() -> store.append(entries(2, 3, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.lastIndex()).isZero();
  }

  @Test
  void appendWithNonConsecutiveIndexesIsRejected() {
    LogStore store = open();
    List<LogEntry> gapInside = List.of(entry(1, 1), entry(3, 1));

    assertThatThrownBy(() -> store.append(gapInside)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendBeforeFirstIndexIsRejected() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.saveSnapshot(snapshot(5, 1));
    store.compactPrefix(5);

    assertThatThrownBy(() -> store.append(entries(5, 6, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.lastIndex()).isEqualTo(10);
  }

  // ---- hard state

  @Test
  void hardStateIsReadBackAndLatestWins() {
    LogStore store = open();

    store.saveHardState(new HardState(2, "n1", 0));
    store.saveHardState(new HardState(3, "n2", 7));

    assertThat(store.hardState()).isEqualTo(new HardState(3, "n2", 7));
  }

  @Test
  void hardStateWithoutVoteIsReadBack() {
    LogStore store = open();

    store.saveHardState(new HardState(5, null, 4));

    assertThat(store.hardState()).isEqualTo(new HardState(5, null, 4));
  }
}
