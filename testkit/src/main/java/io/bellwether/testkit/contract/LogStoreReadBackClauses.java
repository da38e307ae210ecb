package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link LogStoreContract}'s clauses about reading back entries written long ago: a store may
 * keep only its newest entries in memory and read older ones from its medium, so these write more
 * entries, over more syncs, than any sensible cache holds, and read all of them back exactly, by
 * any range and byte limit, before and after a restart, after truncations and compaction.
 */
abstract class LogStoreReadBackClauses extends LogStoreFixture {

  /** More entries than a store's cache holds (MapDbLogStore keeps 1,024 by default). */
  private static final int MANY = 3000;

  /** Entries per sync: many frames, and in a store with small segments, many segments. */
  private static final int BATCH = 100;

  @Test
  void oldEntriesAreReadBackExactly() {
    LogStore store = open();
    List<LogEntry> log = appendSynced(store, 1, MANY, 1);

    assertReadsBack(store, log);
  }

  @Test
  void oldEntriesAreReadBackExactlyAfterReopen() {
    LogStore store = open();
    List<LogEntry> log = appendSynced(store, 1, MANY, 1);

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.lastIndex()).isEqualTo(MANY);
    assertReadsBack(reopened, log);
  }

  @Test
  void aRangeFromOldEntriesIntoStagedOnesIsReadWhole() {
    LogStore store = open();
    List<LogEntry> log = new ArrayList<>(appendSynced(store, 1, MANY, 1));
    List<LogEntry> staged = entries(MANY + 1, MANY + 50, 2);
    store.append(staged); // not synced: only in memory, while the old ones may be on the medium only
    log.addAll(staged);

    assertThat(store.entries(1, MANY + 51, NO_LIMIT)).containsExactlyElementsOf(log);
    // Twenty entries from index MANY - 9 (position MANY - 10): ten synced, ten staged.
    List<LogEntry> twenty = log.subList(MANY - 10, MANY + 10);
    long bytes = 0;
    for (LogEntry e : twenty) bytes += e.sizeBytes();
    assertThat(store.entries(MANY - 9, MANY + 51, bytes)).containsExactlyElementsOf(twenty);
    assertThat(store.entries(MANY - 9, MANY + 51, bytes - 1)).containsExactlyElementsOf(twenty.subList(0, 19));
  }

  @Test
  void entriesRewrittenAfterATruncationAreReadBackAsRewritten() {
    LogStore store = open();
    appendSynced(store, 1, MANY, 1);
    store.truncateSuffix(MANY / 2);
    store.sync();
    List<LogEntry> log = new ArrayList<>(entries(1, MANY / 2 - 1, 1));
    log.addAll(appendSynced(store, MANY / 2, MANY + MANY / 2, 2));

    assertReadsBack(store, log);
    assertReadsBack(closeAndReopen(store), log);
  }

  @Test
  void entriesLeftByCompactionAreReadBackExactly() {
    LogStore store = open();
    List<LogEntry> log = appendSynced(store, 1, MANY, 1);
    store.saveSnapshot(snapshot(MANY / 2, 1));
    store.compactPrefix(MANY / 3);
    store.sync();
    List<LogEntry> kept = log.subList(MANY / 3, MANY);

    assertThat(store.firstIndex()).isEqualTo(MANY / 3 + 1);
    assertReadsBack(store, kept);
    assertReadsBack(closeAndReopen(store), kept);
  }

  /** Appends {@code from..to} in {@code term} a batch at a time, syncing each. */
  private static List<LogEntry> appendSynced(LogStore store, long from, long to, long term) {
    List<LogEntry> all = new ArrayList<>();
    for (long start = from; start <= to; start += BATCH) {
      List<LogEntry> batch = entries(start, Math.min(to, start + BATCH - 1), term);
      store.append(batch);
      store.sync();
      all.addAll(batch);
    }
    return all;
  }

  /** Every entry of {@code log} (consecutive), its term, and ranges under byte limits, read back. */
  private static void assertReadsBack(LogStore store, List<LogEntry> log) {
    long first = log.get(0).index();
    long end = first + log.size();
    assertThat(store.entries(first, end, NO_LIMIT)).containsExactlyElementsOf(log);
    for (LogEntry e : log) assertThat(store.term(e.index())).as("term of %s", e.index()).isEqualTo(e.term());
    // In batches under a byte limit, as a leader reads for a follower: exactly the prefix that fits.
    long limit = 7 * log.get(0).sizeBytes() + 3;
    for (long from = first; from < end; ) {
      List<LogEntry> batch = store.entries(from, end, limit);
      long bytes = 0;
      for (LogEntry e : batch) bytes += e.sizeBytes();
      int offset = (int) (from - first);
      assertThat(batch).as("batch from %s", from).isNotEmpty()
          .containsExactlyElementsOf(log.subList(offset, offset + batch.size()));
      assertThat(bytes <= limit || batch.size() == 1).as("batch from %s within %s bytes", from, limit).isTrue();
      boolean more = offset + batch.size() < log.size();
      if (more) {
        assertThat(bytes + log.get(offset + batch.size()).sizeBytes()).as("batch from %s stops only when full", from)
            .isGreaterThan(limit);
      }
      from += batch.size();
    }
    // Single entries, oldest and newest first, one by one.
    for (long i : new long[] {first, first + 1, end - 1, (first + end) / 2}) {
      assertThat(store.entries(i, i + 1, 0)).containsExactly(log.get((int) (i - first)));
    }
  }
}
