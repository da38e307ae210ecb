package io.bellwether.storage.mapdb;

import io.bellwether.core.LogEntry;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.LogEntryCodec;
import io.bellwether.core.spi.EntryRing;
import io.bellwether.core.spi.LogStoreArguments;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The log as the store knows it: the first index, where every written entry lies in the WAL (an
 * {@link EntryIndex}: segment, offset, length, term), the newest entries themselves (a bounded
 * cache, plus every entry staged and not yet written), and the latest snapshot's reference. The
 * same mechanical operations build it at staging time (after the contract's argument checks) and
 * at recovery (replaying the WAL), so the two cannot drift apart.
 *
 * <p>Invariant when idle: {@code base == firstIndex}, entries {@code firstIndex .. lastIndex} known
 * with no gap: {@code base} up to the first staged entry written and indexed, the rest staged; the cache
 * ({@code recent}) holds a suffix that includes every staged entry. During recovery {@code base >
 * firstIndex} is allowed for a while: the oldest segments may have been deleted once compaction
 * passed them, and a later COMPACT record in the replay covers the entries they held. {@link
 * #missingEntries()} says whether that gap is still open.
 *
 * <p>Why only an index and a cache: a node must run in a small heap with far more log than heap, and
 * the engine keeps only its newest entries too, reading older ones back through the store. So an
 * entry's bytes stay in its segment once written, and {@link #entries} reads older ones back from
 * there, one read per segment a range touches.
 */
final class LogTable {

  /** Reads {@code length} bytes at {@code offset} of segment {@code segment}. */
  interface SpanReader {
    ByteBuffer read(long segment, long offset, int length) throws IOException;
  }

  /** {@link LogEntry#sizeBytes()} of an entry with no data: the rest is its data's length. */
  private static final long ENTRY_OVERHEAD = LogEntry.noop(1, 1).sizeBytes();

  /** The longest span one read takes: a range whose entries lie further apart is read in parts. */
  private static final int MAX_SPAN = 64 << 20;

  private final int maxCachedEntries;
  private final long maxCachedBytes;
  private long firstIndex = 1;
  private final EntryIndex written = new EntryIndex(1);
  private final EntryRing recent = new EntryRing(1);
  private SnapshotRef snapshot;
  private SpanReader disk;

  LogTable(int maxCachedEntries, long maxCachedBytes) {
    this.maxCachedEntries = maxCachedEntries;
    this.maxCachedBytes = maxCachedBytes;
  }

  /** Where entries the cache let go are read back from (set once the WAL is open). */
  void readFrom(SpanReader disk) {
    this.disk = disk;
  }

  /** Starts from a segment's checkpoint: entries before {@code nextIndex} are held by older segments. */
  void reset(long firstIndex, long nextIndex, SnapshotRef snapshot) {
    this.firstIndex = firstIndex;
    this.snapshot = snapshot;
    written.reset(nextIndex);
    recent.reset(nextIndex);
  }

  long firstIndex() {
    return firstIndex;
  }

  long lastIndex() {
    return recent.endIndex() - 1;
  }

  SnapshotRef snapshot() {
    return snapshot;
  }

  /** True when entries between the first index and the first held entry are not known. */
  boolean missingEntries() {
    return written.firstIndex() != firstIndex;
  }

  /**
   * Where the staged entries land in the frame being built, as its ENTRIES records are written. The
   * last place wins, as in replay: an entry staged, truncated and staged again is written twice.
   */
  final class Places implements WalRecord.Placement {
    private final long from = written.endIndex();
    private final int[] at = new int[(int) (lastIndex() + 1 - from)];
    private final int[] length = new int[at.length];

    private Places() {
      Arrays.fill(at, -1);
    }

    @Override
    public void placed(LogEntry entry, int position, int size) {
      long i = entry.index() - from;
      if (i >= 0 && i < at.length) {
        at[(int) i] = position;
        length[(int) i] = size;
      }
    }
  }

  /** Starts noting where the staged entries go in the next frame. */
  Places places() {
    return new Places();
  }

  /** Bytes ({@link LogEntry#sizeBytes()}) of the entries held in memory, staged ones included. */
  long cachedBytes() {
    return recent.bytes();
  }

  /** Heap the index of written entries takes. */
  long indexBytes() {
    return written.heapBytes();
  }

  long term(long index) {
    if (index == 0) return 0;
    if (snapshot != null && index == snapshot.lastIndex()) return snapshot.lastTerm();
    if (index < written.firstIndex() || index > lastIndex()) {
      LogStoreArguments.checkHeld(index, firstIndex, lastIndex(), snapshot == null ? null : snapshot.shape());
      throw new IllegalArgumentException("no term for index " + index + ": its segment is gone");
    }
    return recent.holds(index) ? recent.get(index).term() : written.term(index);
  }

  /**
   * Entries in {@code [fromIndex, toIndex)} up to {@code maxBytes} (at least one): those before the
   * cache read back from their segments, then, with bytes to spare, on into the cache.
   */
  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    LogStoreArguments.checkRange(fromIndex, toIndex, firstIndex, lastIndex());
    if (fromIndex == toIndex) return List.of();
    if (fromIndex < written.firstIndex()) {
      throw new IllegalArgumentException("entries from " + fromIndex + " are gone with their segment");
    }
    if (fromIndex >= recent.firstIndex()) return Collections.unmodifiableList(recent.slice(fromIndex, toIndex, maxBytes));
    long end = Math.min(toIndex, recent.firstIndex());
    List<LogEntry> out = readWritten(fromIndex, end, maxBytes);
    if (fromIndex + out.size() == end && end < toIndex) {
      long total = 0;
      for (LogEntry e : out) total += e.sizeBytes();
      for (long i = end; i < toIndex; i++) {
        LogEntry e = recent.get(i);
        total += e.sizeBytes();
        if (total > maxBytes) break;
        out.add(e);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Written entries from {@code from} to before {@code end}, up to {@code maxBytes}, from disk. */
  private List<LogEntry> readWritten(long from, long end, long maxBytes) {
    long stop = from;
    long total = 0;
    while (stop < end) {
      total += written.length(stop) - LogEntryCodec.MIN_RECORD_BYTES + ENTRY_OVERHEAD;
      if (stop > from && total > maxBytes) break;
      stop++;
    }
    List<LogEntry> out = new ArrayList<>((int) Math.min(stop - from, 1 << 16));
    for (long i = from; i < stop; ) {
      // One read for the longest run of entries in one segment (they lie in order, see EntryIndex).
      long segment = written.segment(i);
      long spanStart = written.offset(i);
      long last = i;
      while (last + 1 < stop && written.segment(last + 1) == segment
          && written.offset(last + 1) + written.length(last + 1) - spanStart <= MAX_SPAN) {
        last++;
      }
      int spanLength = (int) (written.offset(last) + written.length(last) - spanStart);
      ByteBuffer span = read(segment, spanStart, spanLength, i);
      for (long k = i; k <= last; k++) out.add(decode(span, (int) (written.offset(k) - spanStart), k, segment));
      i = last + 1;
    }
    return out;
  }

  private ByteBuffer read(long segment, long offset, int length, long index) {
    try {
      return disk.read(segment, offset, length);
    } catch (IOException e) {
      throw new StorageException("cannot read entry " + index + " from WAL segment " + segment + " at offset "
          + offset + ": " + e, e);
    }
  }

  private LogEntry decode(ByteBuffer span, int at, long index, long segment) {
    byte[] record = new byte[written.length(index)];
    span.get(at, record);
    String where = "entry " + index + " in WAL segment " + segment + " at offset " + written.offset(index);
    try {
      LogEntry e = LogEntryCodec.decode(record);
      if (e.index() != index || e.term() != written.term(index)) {
        throw new StorageException(where + " reads back as " + e + ": the WAL changed under the store");
      }
      return e;
    } catch (CodecException e) {
      throw new StorageException("corrupt " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stages consecutive entries at {@code first}, which must be within {@code firstIndex .. lastIndex
   * + 1}; whatever the log held from there on goes first. They stay in memory until {@link #written}.
   *
   * @return false (changing nothing) if the entries do not fit there
   */
  boolean append(List<LogEntry> batch) {
    if (!fits(batch)) return false;
    if (batch.isEmpty()) return true;
    truncate(batch.get(0).index());
    for (LogEntry e : batch) recent.add(e);
    return true;
  }

  /**
   * Replays consecutive entries read from the WAL (as {@link #append}): entry {@code i} lies at
   * {@code offsets[i]} of segment {@code segment}.
   */
  boolean appendWritten(List<LogEntry> batch, long segment, long[] offsets, int[] lengths) {
    if (!fits(batch)) return false;
    if (batch.isEmpty()) return true;
    truncate(batch.get(0).index());
    for (int i = 0; i < batch.size(); i++) {
      written.add(segment, offsets[i], lengths[i], batch.get(i).term());
      recent.add(batch.get(i));
      trim();
    }
    return true;
  }

  private boolean fits(List<LogEntry> batch) {
    if (batch.isEmpty()) return true;
    long first = batch.get(0).index();
    return first >= firstIndex && first <= lastIndex() + 1;
  }

  /**
   * The staged entries are now written, in the frame at {@code frameOffset} of segment {@code
   * segment}, where {@code places} (taken before the frame was built) says.
   *
   * @throws IllegalStateException if the log changed since, or a staged entry was given no place
   *     (a bug in the caller)
   */
  void written(long segment, long frameOffset, Places places) {
    if (places.from != written.endIndex() || places.at.length != lastIndex() + 1 - places.from) {
      throw new IllegalStateException(places.at.length + " places from " + places.from + " for entries "
          + written.endIndex() + ".." + lastIndex());
    }
    for (int i = 0; i < places.at.length; i++) {
      if (places.at[i] < 0) throw new IllegalStateException("entry " + written.endIndex() + " was not written in the frame");
      written.add(segment, frameOffset + places.at[i], places.length[i], recent.get(written.endIndex()).term());
    }
    trim();
  }

  /** Drops every entry at or after {@code from} (from at least the first index). */
  void truncate(long from) {
    if (from > lastIndex()) return;
    written.truncateFrom(from);
    recent.truncateFrom(from);
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
    if (written.firstIndex() < firstIndex) {
      written.dropThrough(upTo);
      recent.dropThrough(upTo);
    }
    return true;
  }

  /**
   * Whether a new snapshot keeps the log: only when the log holds the snapshot's last entry with the
   * same term (or the previous snapshot ends there with that term). Otherwise the log cannot be
   * trusted to match it, so all of it goes (Raft §7).
   */
  boolean keepsLog(long lastIndex, long lastTerm) {
    boolean known = (lastIndex >= firstIndex && lastIndex <= lastIndex() && lastIndex >= written.firstIndex())
        || (snapshot != null && lastIndex == snapshot.lastIndex());
    return known && term(lastIndex) == lastTerm;
  }

  /** Sets the latest snapshot; when {@code clearLog}, the log restarts right after it. */
  void setSnapshot(SnapshotRef next, boolean clearLog) {
    if (clearLog) {
      firstIndex = next.lastIndex() + 1;
      written.reset(firstIndex);
      recent.reset(firstIndex);
    }
    snapshot = next;
  }

  /** Lets the oldest written entries leave memory while the cache is over either bound. */
  private void trim() {
    while ((recent.size() > maxCachedEntries || recent.bytes() > maxCachedBytes)
        && recent.firstIndex() < written.endIndex()) {
      recent.dropFirst();
    }
  }
}
