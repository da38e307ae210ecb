package io.bellwether.storage.mapdb;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStoreArguments;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as the store holds it in memory: the first index, the entries from {@code base} on, and
 * the latest snapshot's reference. The same mechanical operations build it at staging time (after
 * the contract's argument checks) and at recovery (replaying the WAL), so the two cannot drift apart.
 *
 * <p>Invariant when idle: {@code base == firstIndex}, entries {@code firstIndex .. lastIndex} held
 * with no gap. During recovery {@code base > firstIndex} is allowed for a while: the oldest segments
 * may have been deleted once compaction passed them, and a later COMPACT record in the replay
 * covers the entries they held. {@link #missingEntries()} says whether that gap is still open.
 *
 * <p>Why entries are in memory: the engine keeps the uncompacted log in memory and reads the store
 * once at start (docs/ARCHITECTURE.md), so the store's copy is bounded by the same compaction.
 */
final class LogTable {

  private long firstIndex = 1;
  private long base = 1;
  private final ArrayList<LogEntry> entries = new ArrayList<>();
  private SnapshotRef snapshot;

  /** Starts from a segment's checkpoint: entries before {@code nextIndex} are held by older segments. */
  void reset(long firstIndex, long nextIndex, SnapshotRef snapshot) {
    this.firstIndex = firstIndex;
    this.base = nextIndex;
    this.snapshot = snapshot;
    entries.clear();
  }

  long firstIndex() {
    return firstIndex;
  }

  long lastIndex() {
    return base + entries.size() - 1;
  }

  SnapshotRef snapshot() {
    return snapshot;
  }

  /** True when entries between the first index and the first held entry are not in memory. */
  boolean missingEntries() {
    return base != firstIndex;
  }

  long term(long index) {
    if (index == 0) return 0;
    if (snapshot != null && index == snapshot.lastIndex()) return snapshot.lastTerm();
    if (index < base || index > lastIndex()) {
      LogStoreArguments.checkHeld(index, firstIndex, lastIndex(), snapshot == null ? null : snapshot.shape());
      throw new IllegalArgumentException("no term for index " + index + ": its segment is gone");
    }
    return entries.get((int) (index - base)).term();
  }

  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreArguments.checkRange(fromIndex, toIndex, firstIndex, lastIndex());
    List<LogEntry> out = new ArrayList<>();
    long total = 0;
    for (long i = fromIndex; i < toIndex; i++) {
      LogEntry e = entries.get((int) (i - base));
      total += e.sizeBytes();
      // The first entry always goes: a batch that carries nothing would stall replication.
      if (!out.isEmpty() && total > maxBytes) break;
      out.add(e);
    }
    return List.copyOf(out);
  }

  /**
   * Appends consecutive entries at {@code first}, which must be within {@code firstIndex ..
   * lastIndex + 1}; whatever the log held from there on goes first.
   *
   * @return false (changing nothing) if the entries do not fit there
   */
  boolean append(List<LogEntry> batch) {
    if (batch.isEmpty()) return true;
    long first = batch.get(0).index();
    if (first < firstIndex || first > lastIndex() + 1) return false;
    truncate(first);
    entries.addAll(batch);
    return true;
  }

  /** Drops every entry at or after {@code from} (from at least the first index). */
  void truncate(long from) {
    if (from > lastIndex()) return;
    if (from <= base) {
      entries.clear();
      base = from;
    } else {
      entries.subList((int) (from - base), entries.size()).clear();
    }
  }

  /**
   * Drops every entry up to {@code upTo} and makes {@code upTo + 1} the first index.
   *
   * @return false (changing nothing) if that would pass the end of the log
   */
  boolean compact(long upTo) {
    if (upTo < firstIndex) return true;
    if (upTo > lastIndex()) return false;
    firstIndex = upTo + 1;
    if (base < firstIndex) {
      entries.subList(0, (int) (firstIndex - base)).clear();
      base = firstIndex;
    }
    return true;
  }

  /**
   * Whether a new snapshot keeps the log: only when the log holds the snapshot's last entry with the
   * same term (or the previous snapshot ends there with that term). Otherwise the log cannot be
   * trusted to match it, so all of it goes (Raft §7).
   */
  boolean keepsLog(long lastIndex, long lastTerm) {
    boolean known = (lastIndex >= firstIndex && lastIndex <= lastIndex() && lastIndex >= base)
        || (snapshot != null && lastIndex == snapshot.lastIndex());
    return known && term(lastIndex) == lastTerm;
  }

  /** Sets the latest snapshot; when {@code clearLog}, the log restarts right after it. */
  void setSnapshot(SnapshotRef next, boolean clearLog) {
    if (clearLog) {
      entries.clear();
      firstIndex = next.lastIndex() + 1;
      base = firstIndex;
    }
    snapshot = next;
  }
}
