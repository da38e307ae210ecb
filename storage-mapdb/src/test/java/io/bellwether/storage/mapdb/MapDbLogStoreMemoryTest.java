package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: the store holds more log than the heap: 260 MB of entries through a store in a test JVM of 256 MB
// (-Xmx256m; the store that kept every entry in memory ran out of heap here), its memory staying within the
// cache bound plus a small index, every entry read back exactly from the disk, before and after a restart.
// Method: one store with the default cache bounds, 260,000 entries of 1 KB appended and synced 500 at a
// time; the cache is measured after every sync, then everything is read back in 1 MiB batches.
class MapDbLogStoreMemoryTest {

  private static final int ENTRIES = 260_000;
  private static final int BATCH = 500;
  private static final int DATA_BYTES = 1000;

  @TempDir Path root;

  /** Entry {@code index}'s data: its index at both ends, a pattern between, so any mix-up shows. */
  private static LogEntry entry(long index) {
    ByteBuffer data = ByteBuffer.allocate(DATA_BYTES);
    data.putLong(index);
    for (int i = 8; i < DATA_BYTES - 8; i++) data.put((byte) (index * 31 + i));
    data.putLong(DATA_BYTES - 8, index);
    return LogEntry.command(1 + index / 50_000, index, data.array());
  }

  @Test
  void moreLogThanHeapStaysOnDiskAndComesBackExactly() {
    Path dir = root.resolve("store");
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      for (long from = 1; from <= ENTRIES; from += BATCH) {
        List<LogEntry> batch = new ArrayList<>(BATCH);
        for (long i = from; i < from + BATCH; i++) batch.add(entry(i));
        store.append(batch);
        store.sync();
        assertThat(store.cachedBytes()).as("cached after syncing up to %s", from + BATCH - 1)
            .isLessThanOrEqualTo(MapDbLogStore.DEFAULT_CACHE_BYTES);
      }
      // 20 bytes an entry, in arrays that at most double: a few MB for 260 MB of entries.
      assertThat(store.indexBytes()).isLessThanOrEqualTo(2L * 20 * ENTRIES);
      assertReadsBack(store);
    }
    try (MapDbLogStore reopened = MapDbLogStore.open(dir)) {
      assertThat(reopened.lastIndex()).isEqualTo(ENTRIES);
      assertThat(reopened.cachedBytes()).isLessThanOrEqualTo(MapDbLogStore.DEFAULT_CACHE_BYTES);
      assertReadsBack(reopened);
    }
  }

  private static void assertReadsBack(MapDbLogStore store) {
    long next = 1;
    while (next <= ENTRIES) {
      List<LogEntry> batch = store.entries(next, ENTRIES + 1, 1 << 20);
      assertThat(batch).isNotEmpty();
      for (LogEntry e : batch) {
        if (!e.equals(entry(next))) assertThat(e).as("entry %s", next).isEqualTo(entry(next));
        assertThat(store.term(next)).isEqualTo(e.term());
        next++;
      }
    }
  }
}
