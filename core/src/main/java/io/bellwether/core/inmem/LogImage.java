package io.bellwether.core.inmem;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStoreArguments;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One in-memory image of a log: its entries and latest snapshot, changed only through methods that
 * check Raft's rules (the hard state is kept apart). {@link InMemoryLogStore} keeps one; the test
 * kit's crash-modelling store keeps two (what reads see and what a sync made durable) and replays
 * staged changes onto the second through these same methods, so a replayed change obeys the same rules.
 *
 * <p>Invariant: entries are held for {@code firstIndex .. lastIndex} with no gap, and a snapshot's
 * index is within {@code firstIndex - 1 .. lastIndex}.
 */
public final class LogImage {

  private final ArrayList<LogEntry> entries;
  private long firstIndex;
  private Snapshot snapshot;

  /** An empty image: no entries, no snapshot; the first entry will be index 1. */
  public LogImage() {
    this(new ArrayList<>(), 1, null);
  }

  private LogImage(ArrayList<LogEntry> entries, long firstIndex, Snapshot snapshot) {
    this.entries = entries;
    this.firstIndex = firstIndex;
    this.snapshot = snapshot;
  }

  /**
   * Rebuilds the image a store persisted: {@code entries} from {@code firstIndex} on, and the latest
   * snapshot (or null). For a store that keeps its log in memory and writes it out whole.
   *
   * @throws IllegalArgumentException if the parts break the invariant: entries not consecutive from
   *     {@code firstIndex}, or a snapshot that does not reach {@code firstIndex - 1} or lies past the
   *     last entry
   */
  public static LogImage of(Snapshot snapshot, long firstIndex, List<LogEntry> entries) {
    if (firstIndex < 1) throw new IllegalArgumentException("firstIndex must be >= 1: " + firstIndex);
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).index() != firstIndex + i) {
        throw new IllegalArgumentException("entry " + entries.get(i).index() + " where " + (firstIndex + i) + " belongs");
      }
    }
    long lastIndex = firstIndex - 1 + entries.size();
    if (snapshot == null ? firstIndex != 1 : snapshot.lastIndex() < firstIndex - 1 || snapshot.lastIndex() > lastIndex && !entries.isEmpty()) {
      throw new IllegalArgumentException("snapshot " + (snapshot == null ? "none" : snapshot.lastIndex())
          + " does not fit a log of entries " + firstIndex + ".." + lastIndex);
    }
    if (snapshot != null && entries.isEmpty() && snapshot.lastIndex() != firstIndex - 1) {
      throw new IllegalArgumentException("an empty log must start right after its snapshot " + snapshot.lastIndex());
    }
    return new LogImage(new ArrayList<>(entries), firstIndex, snapshot);
  }

  /** An independent copy; entries are immutable values, so they are shared. */
  public LogImage copy() {
    return new LogImage(new ArrayList<>(entries), firstIndex, snapshot);
  }

  /** As {@link io.bellwether.core.spi.LogStore#firstIndex}. */
  public long firstIndex() {
    return firstIndex;
  }

  /** As {@link io.bellwether.core.spi.LogStore#lastIndex}. */
  public long lastIndex() {
    return firstIndex - 1 + entries.size();
  }

  /** As {@link io.bellwether.core.spi.LogStore#snapshot}. */
  public Optional<Snapshot> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  /** As {@link io.bellwether.core.spi.LogStore#term}, with the same argument checks. */
  public long term(long index) {
    if (index == 0) return 0;
    if (snapshot != null && index == snapshot.lastIndex()) return snapshot.lastTerm();
    LogStoreArguments.checkHeld(index, firstIndex, lastIndex(), snapshot);
    return entry(index).term();
  }

  /** As {@link io.bellwether.core.spi.LogStore#entries}, with the same argument checks. */
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
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

  /** As {@link io.bellwether.core.spi.LogStore#append}, with the same argument checks. */
  public void append(List<LogEntry> batch) {
    LogStoreArguments.checkAppend(batch, firstIndex, lastIndex(), snapshot);
    if (batch.isEmpty()) return;
    removeFrom(batch.get(0).index());
    entries.addAll(batch);
  }

  /** As {@link io.bellwether.core.spi.LogStore#truncateSuffix}, with the same argument checks. */
  public void truncateSuffix(long fromIndex) {
    if (!LogStoreArguments.checkTruncate(fromIndex, firstIndex, lastIndex(), snapshot)) return;
    removeFrom(fromIndex);
  }

  /** As {@link io.bellwether.core.spi.LogStore#compactPrefix}, with the same argument checks. */
  public void compactPrefix(long upToIndex) {
    LogStoreArguments.checkCompact(upToIndex, snapshot);
    if (upToIndex < firstIndex) return;
    entries.subList(0, (int) (upToIndex - firstIndex + 1)).clear();
    firstIndex = upToIndex + 1;
  }

  /**
   * Keeps the log when it holds the snapshot's last entry with the same term; otherwise the log
   * cannot be trusted to match the snapshot, so all of it goes (Raft §7) and it restarts after it.
   */
  public void saveSnapshot(Snapshot next) {
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
