package io.bellwether.core.inmem;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One in-memory image of a log: its entries and latest snapshot (the hard state is kept apart, by
 * {@link InMemoryLogStore}). The store keeps two images, the staged one and the durable one, and
 * changes both through these same checked methods, so a replayed change obeys the same rules.
 *
 * <p>Invariant: entries are held for {@code firstIndex .. lastIndex} with no gap, and a snapshot's
 * index is within {@code firstIndex - 1 .. lastIndex}.
 */
final class LogImage {

  private final ArrayList<LogEntry> entries;
  private long firstIndex;
  private Snapshot snapshot;

  LogImage() {
    this(new ArrayList<>(), 1, null);
  }

  private LogImage(ArrayList<LogEntry> entries, long firstIndex, Snapshot snapshot) {
    this.entries = entries;
    this.firstIndex = firstIndex;
    this.snapshot = snapshot;
  }

  /** An independent copy; entries are immutable values, so they are shared. */
  LogImage copy() {
    return new LogImage(new ArrayList<>(entries), firstIndex, snapshot);
  }

  long firstIndex() {
    return firstIndex;
  }

  long lastIndex() {
    return firstIndex - 1 + entries.size();
  }

  Optional<Snapshot> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  long term(long index) {
    if (index == 0) return 0;
    if (snapshot != null && index == snapshot.lastIndex()) return snapshot.lastTerm();
    if (index < firstIndex || index > lastIndex()) {
      throw new IllegalArgumentException(
          "no term for index " + index + ": log holds " + firstIndex + ".." + lastIndex()
              + snapshotText());
    }
    return entry(index).term();
  }

  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    if (fromIndex < firstIndex || toIndex > lastIndex() + 1 || fromIndex > toIndex) {
      throw new IllegalArgumentException(
          "range " + fromIndex + ".." + toIndex + " is outside " + firstIndex + ".." + (lastIndex() + 1));
    }
    List<LogEntry> out = new ArrayList<>();
    long totalBytes = 0;
    for (long index = fromIndex; index < toIndex; index++) {
      LogEntry entry = entry(index);
      totalBytes += entry.sizeBytes();
      // The first entry always goes: a batch that carries nothing would stall replication.
      if (!out.isEmpty() && totalBytes > maxBytes) break;
      out.add(entry);
    }
    return List.copyOf(out);
  }

  void append(List<LogEntry> batch) {
    if (batch.isEmpty()) return;
    long start = batch.get(0).index();
    for (int i = 1; i < batch.size(); i++) {
      if (batch.get(i).index() != start + i) {
        throw new IllegalArgumentException(
            "appended indexes must be consecutive: " + batch.get(i - 1) + " then " + batch.get(i));
      }
    }
    if (start > lastIndex() + 1) {
      throw new IllegalArgumentException("append at " + start + " would leave a gap after " + lastIndex());
    }
    if (start < firstIndex) {
      throw new IllegalArgumentException("append at " + start + " falls before first index " + firstIndex);
    }
    requireAfterSnapshot(start, "append at");
    removeFrom(start);
    entries.addAll(batch);
  }

  void truncateSuffix(long fromIndex) {
    if (fromIndex > lastIndex()) return;
    if (fromIndex < firstIndex) {
      throw new IllegalArgumentException("truncate from " + fromIndex + " reaches compacted entries before " + firstIndex);
    }
    requireAfterSnapshot(fromIndex, "truncate from");
    removeFrom(fromIndex);
  }

  void compactPrefix(long upToIndex) {
    if (snapshot == null || upToIndex > snapshot.lastIndex()) {
      throw new IllegalArgumentException(
          "cannot compact up to " + upToIndex + ": only entries covered by a snapshot may go" + snapshotText());
    }
    if (upToIndex < firstIndex) return;
    entries.subList(0, (int) (upToIndex - firstIndex + 1)).clear();
    firstIndex = upToIndex + 1;
  }

  /**
   * Keeps the log when it holds the snapshot's last entry with the same term; otherwise the log
   * cannot be trusted to match the snapshot, so all of it goes (Raft §7) and it restarts after it.
   */
  void saveSnapshot(Snapshot next) {
    if (next.lastIndex() < firstIndex - 1) {
      throw new IllegalArgumentException(
          "snapshot at " + next.lastIndex() + " is older than the compacted prefix up to " + (firstIndex - 1));
    }
    boolean matches = knownTerm(next.lastIndex()) == next.lastTerm();
    if (!matches) {
      entries.clear();
      firstIndex = next.lastIndex() + 1;
    }
    snapshot = next;
  }

  /** The term at {@code index}, or -1 when this image cannot tell. */
  private long knownTerm(long index) {
    boolean known = (index >= firstIndex && index <= lastIndex())
        || (snapshot != null && index == snapshot.lastIndex());
    return known ? term(index) : -1;
  }

  private LogEntry entry(long index) {
    return entries.get((int) (index - firstIndex));
  }

  private void removeFrom(long index) {
    entries.subList((int) (index - firstIndex), entries.size()).clear();
  }

  /** Entries a snapshot covers are committed: replacing or cutting them is a programming error. */
  private void requireAfterSnapshot(long index, String what) {
    if (snapshot != null && index <= snapshot.lastIndex()) {
      throw new IllegalArgumentException(
          what + " " + index + " would change entries covered by the snapshot at " + snapshot.lastIndex());
    }
  }

  private String snapshotText() {
    return snapshot == null ? ", no snapshot" : ", snapshot at " + snapshot.lastIndex();
  }
}
