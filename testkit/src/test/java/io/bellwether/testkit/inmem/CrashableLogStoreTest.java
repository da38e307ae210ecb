package io.bellwether.testkit.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

// Goal: prove crash copies keep what was synced, and at most an in-order prefix of what was staged since.
// Method: stage changes after a sync, take crash copies over many seeds, and check each against the states the disk could hold.
class CrashableLogStoreTest {

  private static final int SEEDS = 500;

  @Test
  void crashCopyKeepsOnlySyncedChanges() {
    CrashableLogStore store = new CrashableLogStore();
    store.append(entries(1, 3, 1));
    store.saveHardState(new HardState(1, "n1", 2));
    store.sync();
    store.append(entries(4, 5, 1));
    store.saveHardState(new HardState(2, "n2", 3));
    store.saveSnapshot(new Snapshot(3, 1, new byte[] {1}));

    CrashableLogStore copy = store.crashCopy();

    assertThat(copy.lastIndex()).isEqualTo(3);
    assertThat(copy.entries(1, 4, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 3, 1));
    assertThat(copy.hardState()).isEqualTo(new HardState(1, "n1", 2));
    assertThat(copy.snapshot()).isEmpty();
  }

  @Test
  void crashCopyIsIndependentOfTheOriginal() {
    CrashableLogStore store = new CrashableLogStore();
    store.append(entries(1, 3, 1));
    store.sync();

    CrashableLogStore copy = store.crashCopy();
    copy.append(entries(4, 4, 1));
    store.truncateSuffix(2);

    assertThat(copy.lastIndex()).isEqualTo(4);
    assertThat(store.lastIndex()).isEqualTo(1);
    assertThat(copy.syncCount()).isZero();
  }

  @Test
  void tornTailIsAPrefixOfWhatWasStagedInOrder() {
    // Synced: 1..5 in term 1. Staged since: 6..10 in term 1, then 8..12 in term 2 over them.
    List<LogEntry> beforeOverwrite = entries(1, 10, 1);
    List<LogEntry> afterOverwrite = new ArrayList<>(entries(1, 7, 1));
    afterOverwrite.addAll(entries(8, 12, 2));
    Set<Long> lastIndexesSeen = new HashSet<>();

    for (int seed = 0; seed < SEEDS; seed++) {
      CrashableLogStore store = new CrashableLogStore();
      store.append(entries(1, 5, 1));
      store.sync();
      store.append(entries(6, 10, 1));
      store.append(entries(8, 12, 2));

      CrashableLogStore copy = store.crashCopy(new Random(seed));

      List<LogEntry> kept = copy.entries(1, copy.lastIndex() + 1, Long.MAX_VALUE);
      assertThat(kept.size()).as("seed %d keeps the synced entries", seed).isGreaterThanOrEqualTo(5);
      assertThat(isPrefixOf(kept, beforeOverwrite) || isPrefixOf(kept, afterOverwrite))
          .as("seed %d keeps %s", seed, kept)
          .isTrue();
      lastIndexesSeen.add(copy.lastIndex());
    }
    // Every cut point is reachable: nothing kept, torn appends of either batch, everything kept.
    assertThat(lastIndexesSeen).contains(5L, 6L, 9L, 10L, 11L, 12L);
  }

  @Test
  void hardStateAfterCrashIsTheSyncedOrTheLatestStaged() {
    HardState synced = new HardState(1, "n1", 0);
    HardState overwritten = new HardState(2, "n2", 0);
    HardState latest = new HardState(3, "n3", 0);
    Set<HardState> seen = new HashSet<>();

    for (int seed = 0; seed < SEEDS; seed++) {
      CrashableLogStore store = new CrashableLogStore();
      store.saveHardState(synced);
      store.sync();
      store.saveHardState(overwritten);
      store.saveHardState(latest);

      seen.add(store.crashCopy(new Random(seed)).hardState());
    }

    assertThat(seen).containsExactlyInAnyOrder(synced, latest);
  }

  @Test
  void unsyncedSnapshotAndCompactionSurviveOnlyInOrder() {
    Snapshot snapshot = new Snapshot(5, 1, new byte[] {5});
    Set<Long> firstIndexesSeen = new HashSet<>();

    for (int seed = 0; seed < SEEDS; seed++) {
      CrashableLogStore store = new CrashableLogStore();
      store.append(entries(1, 10, 1));
      store.sync();
      store.saveSnapshot(snapshot);
      store.compactPrefix(5);

      CrashableLogStore copy = store.crashCopy(new Random(seed));

      // A compaction is never kept without the snapshot that allowed it.
      if (copy.firstIndex() > 1) assertThat(copy.snapshot()).as("seed %d", seed).contains(snapshot);
      assertThat(copy.lastIndex()).isEqualTo(10);
      firstIndexesSeen.add(copy.firstIndex());
    }

    assertThat(firstIndexesSeen).containsExactlyInAnyOrder(1L, 6L);
  }

  @Test
  void crashCopiesKeepTheConfigurationOfTheSnapshotTheyKeep() {
    Membership synced = new Membership(4, List.of(Member.voter("n1"), Member.learner("n2", "n2:7000", null)));
    Membership staged = synced.with(Member.voter("n3")).atIndex(8);
    Set<Membership> seen = new HashSet<>();
    // One generator for all rounds: the first draw of Randoms seeded 0, 1, 2... barely differs, and
    // with a single staged change that draw alone decides what a copy keeps.
    Random random = new Random(SEEDS);

    for (int round = 0; round < SEEDS; round++) {
      CrashableLogStore store = new CrashableLogStore();
      store.append(entries(1, 10, 1));
      store.saveSnapshot(new Snapshot(5, 1, synced, new byte[] {5}));
      store.sync();
      store.saveSnapshot(new Snapshot(9, 1, staged, new byte[] {9}));

      assertThat(store.crashCopy().snapshot().orElseThrow().membership()).isEqualTo(synced);
      Snapshot kept = store.crashCopy(random).snapshot().orElseThrow();
      // Each snapshot comes back with its own configuration, never the other's.
      assertThat(kept.membership()).as("round %d", round).isEqualTo(kept.lastIndex() == 5 ? synced : staged);
      seen.add(kept.membership());
    }

    assertThat(seen).containsExactlyInAnyOrder(synced, staged);
  }

  @Test
  void syncCountCountsEverySync() {
    CrashableLogStore store = new CrashableLogStore();

    store.sync();
    store.append(entries(1, 1, 1));
    store.sync();

    assertThat(store.syncCount()).isEqualTo(2);
  }

  @Test
  void useAfterCloseIsRejectedButACrashCopyStillOpens() {
    CrashableLogStore store = new CrashableLogStore();
    store.append(entries(1, 2, 1));
    store.sync();
    store.close();

    assertThatThrownBy(store::lastIndex).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.append(entries(3, 3, 1))).isInstanceOf(IllegalStateException.class);
    assertThat(store.crashCopy().lastIndex()).isEqualTo(2);
  }

  @Test
  void entriesCoveredByTheSnapshotCannotBeReplaced() {
    CrashableLogStore store = new CrashableLogStore();
    store.append(entries(1, 10, 1));
    store.saveSnapshot(new Snapshot(6, 1, new byte[0]));

    assertThatThrownBy(() -> store.truncateSuffix(6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.append(entries(5, 7, 2))).isInstanceOf(IllegalArgumentException.class);
    store.truncateSuffix(7);
    assertThat(store.lastIndex()).isEqualTo(6);
  }

  @Test
  void snapshotOlderThanTheCompactedPrefixIsRejected() {
    CrashableLogStore store = new CrashableLogStore();
    store.append(entries(1, 10, 1));
    store.saveSnapshot(new Snapshot(8, 1, new byte[0]));
    store.compactPrefix(8);

    assertThatThrownBy(() -> store.saveSnapshot(new Snapshot(3, 1, new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.snapshot().orElseThrow().lastIndex()).isEqualTo(8);
  }

  private static boolean isPrefixOf(List<LogEntry> prefix, List<LogEntry> whole) {
    return prefix.size() <= whole.size() && whole.subList(0, prefix.size()).equals(prefix);
  }

  private static List<LogEntry> entries(long from, long to, long term) {
    return LongStream.rangeClosed(from, to)
        .mapToObj(i -> LogEntry.command(term, i, new byte[] {(byte) i, (byte) term}))
        .toList();
  }
}
