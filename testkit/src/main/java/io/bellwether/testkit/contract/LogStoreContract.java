package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: prove a LogStore honours every clause of the LogStore Javadoc (indexes, reads, staging, durability).
// Method: each test drives a fresh store through the SPI alone, then reads back; durability tests close and reopen it.
/**
 * The contract every {@link LogStore} must pass. A module extends it, builds stores in {@link
 * #newStore()} and reopens them in {@link #reopen(LogStore)}.
 */
public abstract class LogStoreContract extends LogStoreMembershipClauses {

  // ---- snapshots and compaction

  @Test
  void savedSnapshotIsReadBackAndKeepsCoveredEntries() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    Snapshot snapshot = snapshot(5, 1);

    store.saveSnapshot(snapshot);

    assertThat(store.snapshot()).contains(snapshot);
    assertThat(store.firstIndex()).isEqualTo(1);
    assertThat(store.lastIndex()).isEqualTo(10);
    assertThat(store.entries(1, 11, NO_LIMIT)).hasSize(10);
  }

  @Test
  void compactPrefixDropsCoveredEntries() {
    LogStore store = open();
    store.append(entries(1, 10, 2));
    store.saveSnapshot(snapshot(5, 2));

    store.compactPrefix(5);

    assertThat(store.firstIndex()).isEqualTo(6);
    assertThat(store.lastIndex()).isEqualTo(10);
    assertThat(store.term(5)).isEqualTo(2);
    assertThat(store.term(6)).isEqualTo(2);
    assertThatThrownBy(() -> store.term(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.entries(5, 7, NO_LIMIT)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.entries(6, 11, NO_LIMIT)).extracting(LogEntry::index).containsExactly(6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void compactPrefixBelowTheSnapshotKeepsACatchUpTail() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.saveSnapshot(snapshot(8, 1));

    store.compactPrefix(3);

    assertThat(store.firstIndex()).isEqualTo(4);
    assertThat(store.entries(4, 11, NO_LIMIT)).hasSize(7);
    assertThat(store.term(8)).isEqualTo(1);
  }

  @Test
  void compactingEverythingLeavesLastIndexAtTheSnapshot() {
    LogStore store = open();
    store.append(entries(1, 10, 3));
    store.saveSnapshot(snapshot(10, 3));

    store.compactPrefix(10);

    assertThat(store.firstIndex()).isEqualTo(11);
    assertThat(store.lastIndex()).isEqualTo(10);
    assertThat(store.term(10)).isEqualTo(3);
    assertThat(store.term(0)).isZero();
    assertThat(store.entries(11, 11, NO_LIMIT)).isEmpty();
    store.append(entries(11, 12, 4));
    assertThat(store.lastIndex()).isEqualTo(12);
    assertThat(store.firstIndex()).isEqualTo(11);
  }

  @Test
  void compactionPastTheSnapshotIsRejected() {
    LogStore store = open();
    store.append(entries(1, 10, 1));

    assertThatThrownBy(() -> store.compactPrefix(1)).isInstanceOf(IllegalArgumentException.class);
    store.saveSnapshot(snapshot(5, 1));
    assertThatThrownBy(() -> store.compactPrefix(6)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.firstIndex()).isEqualTo(1);
  }

  @Test
  void snapshotKeepsEntriesAfterItThatMatchItsTerm() {
    LogStore store = open();
    store.append(entries(1, 10, 1));

    store.saveSnapshot(snapshot(7, 1));

    assertThat(store.lastIndex()).isEqualTo(10);
    assertThat(store.entries(8, 11, NO_LIMIT)).extracting(LogEntry::index).containsExactly(8L, 9L, 10L);
  }

  @Test
  void snapshotRemovesEntriesAfterItThatDoNotMatchItsTerm() {
    LogStore store = open();
    store.append(entries(1, 10, 1));

    store.saveSnapshot(snapshot(7, 2));

    assertThat(store.lastIndex()).isEqualTo(7);
    assertThat(store.term(7)).isEqualTo(2);
    assertThatThrownBy(() -> store.term(8)).isInstanceOf(IllegalArgumentException.class);
    store.compactPrefix(7);
    store.append(entries(8, 9, 2));
    assertThat(store.firstIndex()).isEqualTo(8);
    assertThat(store.entries(8, 10, NO_LIMIT)).extracting(LogEntry::term).containsExactly(2L, 2L);
  }

  @Test
  void snapshotBeyondTheLogStartsTheLogAfterIt() {
    LogStore store = open();
    store.append(entries(1, 3, 1));

    store.saveSnapshot(snapshot(10, 2));

    assertThat(store.lastIndex()).isEqualTo(10);
    assertThat(store.term(10)).isEqualTo(2);
    store.append(entries(11, 11, 2));
    store.compactPrefix(10);
    assertThat(store.firstIndex()).isEqualTo(11);
    assertThat(store.lastIndex()).isEqualTo(11);
  }

  @Test
  void laterSnapshotReplacesTheEarlierOne() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.saveSnapshot(snapshot(5, 1));
    Snapshot later = snapshot(8, 1);

    store.saveSnapshot(later);

    assertThat(store.snapshot()).contains(later);
    assertThat(store.term(8)).isEqualTo(1);
  }

  // ---- durability across a restart

  @Test
  void syncedChangesSurviveReopen() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.append(entries(6, 12, 2));
    store.saveSnapshot(snapshot(4, 1));
    store.compactPrefix(3);
    store.saveHardState(new HardState(2, "n3", 4));
    store.sync();
    List<LogEntry> expected = store.entries(4, 13, NO_LIMIT);

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.hardState()).isEqualTo(new HardState(2, "n3", 4));
    assertThat(reopened.snapshot()).contains(snapshot(4, 1));
    assertThat(reopened.firstIndex()).isEqualTo(4);
    assertThat(reopened.lastIndex()).isEqualTo(12);
    assertThat(reopened.entries(4, 13, NO_LIMIT)).containsExactlyElementsOf(expected);
  }

  @Test
  void syncedTruncationSurvivesReopen() {
    LogStore store = open();
    store.append(entries(1, 5, 1));
    store.sync();
    store.truncateSuffix(3);
    store.append(entries(3, 3, 2));
    store.sync();

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.lastIndex()).isEqualTo(3);
    assertThat(reopened.entries(1, 4, NO_LIMIT)).extracting(LogEntry::term).containsExactly(1L, 1L, 2L);
  }

  @Test
  void fullCompactionSurvivesReopen() {
    LogStore store = open();
    store.append(entries(1, 5, 1));
    store.saveSnapshot(snapshot(5, 1));
    store.compactPrefix(5);
    store.sync();

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.firstIndex()).isEqualTo(6);
    assertThat(reopened.lastIndex()).isEqualTo(5);
    assertThat(reopened.term(5)).isEqualTo(1);
  }

  @Test
  void unsyncedEntriesAreLostOrKeptWholeAsAPrefix() {
    LogStore store = open();
    List<LogEntry> synced = entries(1, 3, 1);
    List<LogEntry> unsynced = entries(4, 8, 1);
    store.append(synced);
    store.sync();
    store.append(unsynced);

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.lastIndex()).isBetween(3L, 8L);
    List<LogEntry> all = new ArrayList<>(synced);
    all.addAll(unsynced);
    List<LogEntry> kept = reopened.entries(1, reopened.lastIndex() + 1, NO_LIMIT);
    assertThat(kept).containsExactlyElementsOf(all.subList(0, kept.size()));
  }

  @Test
  void unsyncedHardStateIsEitherTheSyncedOrTheNewOne() {
    LogStore store = open();
    HardState synced = new HardState(1, "n1", 0);
    HardState unsynced = new HardState(2, "n2", 0);
    store.saveHardState(synced);
    store.sync();
    store.saveHardState(unsynced);

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.hardState()).isIn(synced, unsynced);
  }

  @Test
  void unsyncedSnapshotLeavesThePreviousOneUsable() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    Snapshot previous = snapshot(4, 1);
    store.saveSnapshot(previous);
    store.sync();
    Snapshot next = snapshot(8, 1);
    store.saveSnapshot(next);

    LogStore reopened = closeAndReopen(store);

    Snapshot found = reopened.snapshot().orElseThrow();
    assertThat(found).isIn(previous, next);
    assertThat(reopened.term(found.lastIndex())).isEqualTo(1);
  }

  @Test
  void preparedSnapshotSavedLaterSurvivesReopen() throws Exception {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.sync();
    Snapshot prepared = snapshot(6, 1);
    // Prepared on a background thread while the node thread goes on appending, as the runtime does.
    Thread writer = new Thread(() -> store.prepareSnapshot(prepared), "snapshot-writer");
    writer.start();
    store.append(entries(11, 12, 1));
    store.sync();
    writer.join(30_000);
    assertThat(writer.isAlive()).isFalse();

    store.saveSnapshot(prepared);
    store.compactPrefix(6);
    store.sync();
    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.snapshot()).contains(prepared);
    assertThat(reopened.firstIndex()).isEqualTo(7);
    assertThat(reopened.lastIndex()).isEqualTo(12);
  }

  @Test
  void preparedSnapshotNeverSavedIsNotUsed() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    Snapshot saved = snapshot(4, 1);
    store.saveSnapshot(saved);
    store.sync();

    store.prepareSnapshot(snapshot(8, 1));
    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.snapshot()).contains(saved);
    assertThat(reopened.lastIndex()).isEqualTo(10);
  }

  @Test
  void savingAnotherSnapshotThanThePreparedOneSavesWhatWasAsked() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.prepareSnapshot(snapshot(6, 1));
    Snapshot other = snapshot(8, 1);

    store.saveSnapshot(other);
    store.sync();
    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.snapshot()).contains(other);
  }

  // ---- lifecycle

  @Test
  void closeIsIdempotent() {
    LogStore store = open();

    store.close();

    assertThatCode(store::close).doesNotThrowAnyException();
  }
}
