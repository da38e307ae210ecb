package io.bellwether.storage.mapdb;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStoreArguments;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What reads see: the log as staged, kept in memory as an index of batches (first index, the term
 * of each entry) plus the entries of batches not yet synced and of a few recent ones. Entries of
 * other batches are read from the synced MapDB copy, one batch per lookup. Every staged change is
 * checked here first and recorded as a {@link StoredChange} for the next sync.
 *
 * <p>Invariant: entries {@code firstIndex .. lastIndex} are held with no gap; a snapshot's index is
 * within {@code firstIndex - 1 .. lastIndex}; a batch starting before {@code firstIndex} (kept by
 * compaction) still covers it.
 */
final class LogView {

  /** How many recent batches keep their decoded entries in memory after a sync. */
  static final int CACHED_BATCHES = 128;

  /** One stored batch as the view sees it: possibly cut short by a staged truncation. */
  static final class Segment {
    final long start;
    final long[] terms;
    int size;
    List<LogEntry> entries; // null: read from the synced copy
    boolean pending; // appended since the last sync: its entries must stay in memory

    Segment(long start, long[] terms, int size) {
      this.start = start;
      this.terms = terms;
      this.size = size;
    }

    long end() {
      return start + size - 1;
    }
  }

  /** Reads a synced batch; the store gives the copy reads go to. */
  interface BatchReader {
    List<LogEntry> read(long start, int size);
  }

  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private final ArrayDeque<Segment> cached = new ArrayDeque<>();
  private final List<StoredChange> staged = new ArrayList<>();
  private final BatchReader reader;
  private long firstIndex;
  private Snapshot snapshot;

  LogView(long firstIndex, Snapshot snapshot, BatchReader reader) {
    this.firstIndex = firstIndex;
    this.snapshot = snapshot;
    this.reader = reader;
  }

  /** Adds a batch found in the synced copy at open; batches must come in index order. */
  void load(long start, long[] terms, String where) {
    long end = start + terms.length - 1;
    long expected = segments.isEmpty() ? -1 : segments.lastEntry().getValue().end() + 1;
    boolean fits = segments.isEmpty() ? start <= firstIndex && end >= firstIndex : start == expected;
    if (!fits) {
      throw new StorageException(
          "inconsistent log in " + where + ": batch " + start + ".." + end + " does not follow "
              + (segments.isEmpty() ? "first index " + firstIndex : "index " + (expected - 1)));
    }
    segments.put(start, new Segment(start, terms, terms.length));
  }

  /** Checks what {@link #load} cannot check batch by batch. */
  void checkLoaded(String where) {
    if (snapshot != null && (snapshot.lastIndex() < firstIndex - 1 || snapshot.lastIndex() > lastIndex())) {
      throw new StorageException(
          "inconsistent store " + where + ": snapshot at " + snapshot.lastIndex() + " outside log "
              + firstIndex + ".." + lastIndex());
    }
  }

  long firstIndex() {
    return firstIndex;
  }

  long lastIndex() {
    return segments.isEmpty() ? firstIndex - 1 : Math.max(firstIndex - 1, segments.lastEntry().getValue().end());
  }

  Optional<Snapshot> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  long term(long index) {
    if (index == 0) return 0;
    if (snapshot != null && index == snapshot.lastIndex()) return snapshot.lastTerm();
    LogStoreArguments.checkHeld(index, firstIndex, lastIndex(), snapshot);
    Segment s = segments.floorEntry(index).getValue();
    return s.terms[(int) (index - s.start)];
  }

  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreArguments.checkRange(fromIndex, toIndex, firstIndex, lastIndex());
    List<LogEntry> out = new ArrayList<>();
    long totalBytes = 0;
    long index = fromIndex;
    while (index < toIndex) {
      Segment s = segments.floorEntry(index).getValue();
      List<LogEntry> batch = entriesOf(s);
      for (int i = (int) (index - s.start); i < s.size && index < toIndex; i++, index++) {
        LogEntry entry = batch.get(i);
        totalBytes += entry.sizeBytes();
        // The first entry always goes: a batch that carries nothing would stall replication.
        if (!out.isEmpty() && totalBytes > maxBytes) return List.copyOf(out);
        out.add(entry);
      }
    }
    return List.copyOf(out);
  }

  void append(List<LogEntry> batch) {
    LogStoreArguments.checkAppend(batch, firstIndex, lastIndex(), snapshot);
    if (batch.isEmpty()) return;
    long start = batch.get(0).index();
    long[] terms = new long[batch.size()];
    for (int i = 0; i < batch.size(); i++) terms[i] = batch.get(i).term();
    byte[] encoded = BatchRecord.encode(batch);
    cutFrom(start);
    Segment s = new Segment(start, terms, terms.length);
    s.entries = List.copyOf(batch);
    s.pending = true;
    segments.put(start, s);
    cached.addLast(s);
    staged.add(new StoredChange.PutBatch(start, encoded));
  }

  void truncateSuffix(long fromIndex) {
    if (!LogStoreArguments.checkTruncate(fromIndex, firstIndex, lastIndex(), snapshot)) return;
    cutFrom(fromIndex);
    staged.add(new StoredChange.TruncateFrom(fromIndex));
  }

  void compactPrefix(long upToIndex) {
    LogStoreArguments.checkCompact(upToIndex, snapshot);
    if (upToIndex < firstIndex) return;
    while (!segments.isEmpty() && segments.firstEntry().getValue().end() <= upToIndex) segments.pollFirstEntry();
    firstIndex = upToIndex + 1;
    staged.add(new StoredChange.CompactTo(upToIndex));
  }

  /**
   * Keeps the log when it holds the snapshot's last entry with the same term; otherwise the log
   * cannot be trusted to match the snapshot, so all of it goes (Raft §7) and it restarts after it.
   */
  void saveSnapshot(Snapshot next) {
    LogStoreArguments.checkSnapshot(next, firstIndex);
    boolean known = (next.lastIndex() >= firstIndex && next.lastIndex() <= lastIndex())
        || (snapshot != null && next.lastIndex() == snapshot.lastIndex());
    boolean matches = known && term(next.lastIndex()) == next.lastTerm();
    long clearLogFrom = 0;
    if (!matches) {
      segments.clear();
      firstIndex = next.lastIndex() + 1;
      clearLogFrom = firstIndex;
    }
    snapshot = next;
    staged.add(new StoredChange.SaveSnapshot(SnapshotRecord.encode(next), clearLogFrom));
  }

  boolean hasStagedChanges() {
    return !staged.isEmpty();
  }

  List<StoredChange> stagedChanges() {
    return List.copyOf(staged);
  }

  /** After a sync: everything staged is in both copies; keep only recent batches in memory. */
  void synced() {
    staged.clear();
    for (Segment s : cached) s.pending = false;
    trimCache();
  }

  private List<LogEntry> entriesOf(Segment s) {
    if (s.entries == null) {
      s.entries = reader.read(s.start, s.size);
      for (int i = 0; i < s.size; i++) {
        if (s.entries.get(i).term() != s.terms[i]) {
          throw new StorageException(
              "inconsistent log: entry " + (s.start + i) + " has term " + s.entries.get(i).term()
                  + " on disk but " + s.terms[i] + " when the store was opened");
        }
      }
      cached.addLast(s);
      trimCache();
    }
    return s.entries;
  }

  private void trimCache() {
    while (cached.size() > CACHED_BATCHES && !cached.peekFirst().pending) cached.pollFirst().entries = null;
  }

  /** Removes every entry at or after {@code index} from the view (index within the log). */
  private void cutFrom(long index) {
    Map.Entry<Long, Segment> floor = segments.floorEntry(index);
    if (floor != null && floor.getKey() < index) {
      Segment s = floor.getValue();
      if (s.end() >= index) {
        s.size = (int) (index - s.start);
        if (s.entries != null) s.entries = List.copyOf(s.entries.subList(0, s.size));
      }
    }
    segments.tailMap(index, true).clear();
  }
}
