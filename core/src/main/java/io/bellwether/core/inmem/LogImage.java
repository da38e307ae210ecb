package io.bellwether.core.inmem;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStoreArguments;
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
    LogStoreArguments.checkHeld(index, firstIndex, lastIndex(), snapshot);
    return entry(index).term();
  }

  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreArguments.checkRange(fromIndex, toIndex, firstIndex, lastIndex());
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
    LogStoreArguments.checkAppend(batch, firstIndex, lastIndex(), snapshot);
    if (batch.isEmpty()) return;
    removeFrom(batch.get(0).index());
    entries.addAll(batch);
  }

  void truncateSuffix(long fromIndex) {
    if (!LogStoreArguments.checkTruncate(fromIndex, firstIndex, lastIndex(), snapshot)) return;
    removeFrom(fromIndex);
  }

  void compactPrefix(long upToIndex) {
    LogStoreArguments.checkCompact(upToIndex, snapshot);
    if (upToIndex < firstIndex) return;
    entries.subList(0, (int) (upToIndex - firstIndex + 1)).clear();
    firstIndex = upToIndex + 1;
  }

  /**
   * Keeps the log when it holds the snapshot's last entry with the same term; otherwise the log
   * cannot be trusted to match the snapshot, so all of it goes (Raft §7) and it restarts after it.
   */
  void saveSnapshot(Snapshot next) {
    LogStoreArguments.checkSnapshot(next, firstIndex);
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
}
