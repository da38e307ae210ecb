package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.LogStoreArguments;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogStore} that survives kill -9 at any moment: an append-only, checksummed segment log
 * (the WAL) for everything that changes per sync, and MapDB only for snapshots, which are written
 * rarely.
 *
 * <p><b>Layout</b> of the data directory: {@code LOCK} (an OS lock while open), {@code wal/} with
 * the segments ({@link Segment}), and one MapDB file per snapshot ({@link SnapshotFile}).
 *
 * <p><b>Staging</b> happens in memory: reads see a change at once, and nothing reaches a file before
 * {@link #sync()}. <b>{@code sync()}</b> writes every staged change as one {@link WalFrame} with one
 * write and one {@code fdatasync}; a staged snapshot is first written to its own MapDB file (closed
 * and forced), and the SNAPSHOT record naming it is the atomic switch. Changing only the hard state
 * (a vote) costs one small frame.
 *
 * <p><b>Open</b> replays the WAL ({@link Recovery}): the torn tail of an interrupted sync is cut off;
 * damage to synced data, a missing segment or snapshot, or a foreign directory is a {@link
 * StorageException}, never a silent fresh start.
 *
 * <p><b>Memory</b> holds an index of the written entries ({@link EntryIndex}: segment, offset,
 * length and term, 20 bytes an entry), the staged entries, and a bounded cache of the newest written
 * ones ({@link #DEFAULT_CACHE_ENTRIES}, {@link #DEFAULT_CACHE_BYTES}); the bytes of older entries
 * stay in their segments. <b>Reads</b> of cached entries come from memory; older ones are read back
 * from the segments, one positional read per segment a range touches, and checked again (each
 * entry's own CRC32C, its index and term against the index). Open checked them all once already
 * (frame CRC32C and each entry's), replaying the WAL.
 *
 * <p>Single caller at a time, as the {@link LogStore} contract says; not thread-safe otherwise.
 */
public final class MapDbLogStore implements LogStore {

  private static final Logger LOG = LoggerFactory.getLogger(MapDbLogStore.class);

  /** Default size of a WAL segment: 64 MiB, preallocated. */
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

  /** Written entries kept in memory at most by default, newest first (staged ones always are). */
  public static final int DEFAULT_CACHE_ENTRIES = 1024;

  /** The same bound in entry bytes ({@link LogEntry#sizeBytes()}): 4 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 4L << 20;

  static final String WAL_DIRECTORY = "wal";

  private final Path directory;
  private final DirectoryLock lock;
  private final Wal wal;
  private final LogTable table;
  private final List<WalRecord> staged = new ArrayList<>();
  private final GrowableBuffer frame = new GrowableBuffer(64 * 1024);
  private HardState hardState;
  private Snapshot snapshot;
  private Snapshot stagedSnapshot; // the file to write at the next sync, or null
  private WalRecord.Checkpoint durable; // what a new segment's head says: the state after the last sync
  private volatile boolean closed;
  private volatile StorageException failure;

  /** A snapshot whose file {@link #prepareSnapshot} wrote, not yet taken by a save; else null. */
  private final AtomicReference<Prepared> prepared = new AtomicReference<>();
  private final AtomicLong preparedFiles = new AtomicLong();

  /** Whether the staged snapshot's file is already written (it was prepared). */
  private boolean stagedSnapshotWritten;

  private record Prepared(Snapshot snapshot, String fileName) {}
  private long tornBytesAtOpen;

  private MapDbLogStore(Path directory, DirectoryLock lock, Wal wal, LogTable table, HardState hardState, Snapshot snapshot) {
    this.directory = directory;
    this.lock = lock;
    this.wal = wal;
    this.table = table;
    this.hardState = hardState;
    this.snapshot = snapshot;
    this.durable = checkpoint();
  }

  /** {@link #open(Path, long)} with {@link #DEFAULT_SEGMENT_BYTES}. */
  public static MapDbLogStore open(Path directory) {
    return open(directory, DEFAULT_SEGMENT_BYTES);
  }

  /** {@link #open(Path, long, int, long)} with the default cache bounds. */
  public static MapDbLogStore open(Path directory, long segmentBytes) {
    return open(directory, segmentBytes, DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_BYTES);
  }

  /**
   * Opens the store in {@code directory}, creating it only when the directory does not exist or is
   * empty.
   *
   * @param segmentBytes size of a new WAL segment (at least 64 KiB; a larger frame gets a larger one)
   * @param cacheEntries written entries kept in memory at most (at least 0), newest first
   * @param cacheBytes the same bound in entry bytes (at least 0)
   * @throws StorageException naming the directory or file if it is locked by another store, holds
   *     files but no readable store, or the store is damaged; never starts afresh over existing data
   */
  public static MapDbLogStore open(Path directory, long segmentBytes, int cacheEntries, long cacheBytes) {
    Objects.requireNonNull(directory, "directory");
    if (segmentBytes < 64 * 1024) throw new IllegalArgumentException("segmentBytes must be at least 64 KiB: " + segmentBytes);
    if (cacheEntries < 0 || cacheBytes < 0) {
      throw new IllegalArgumentException("cache bounds must be at least 0: " + cacheEntries + " entries, " + cacheBytes + " bytes");
    }
    Path dir = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    DirectoryLock lock = DirectoryLock.acquire(dir);
    try {
      StoreFiles files = StoreFiles.open(dir, WalFrame.align(segmentBytes));
      Recovery.Result r = Recovery.replay(files.segments(), new LogTable(cacheEntries, cacheBytes));
      Snapshot snapshot = r.table().snapshot() == null ? null : SnapshotFile.read(dir, r.table().snapshot());
      files.deleteOrphanSnapshots(r.table().snapshot());
      Wal wal = new Wal(dir.resolve(WAL_DIRECTORY), WalFrame.align(segmentBytes), files.segments(), r.writeOffset(), r.nextFrameSeq());
      r.table().readFrom(wal::read);
      LOG.info("opened log store {}: entries {}..{}, {}, {} segment(s)", dir, r.table().firstIndex(), r.table().lastIndex(),
          r.hardState(), files.segments().size());
      MapDbLogStore store = new MapDbLogStore(dir, lock, wal, r.table(), r.hardState(), snapshot);
      store.tornBytesAtOpen = r.tornBytes();
      return store;
    } catch (RuntimeException | IOException e) {
      lock.close();
      if (e instanceof StorageException se) throw se;
      throw new StorageException("cannot open log store in " + dir + ": " + e, e);
    }
  }

  /** The data directory this store uses. */
  public Path directory() {
    return directory;
  }

  @Override
  public HardState hardState() {
    requireUsable();
    return hardState;
  }

  @Override
  public void saveHardState(HardState state) {
    requireUsable();
    hardState = Objects.requireNonNull(state, "state");
  }

  @Override
  public long firstIndex() {
    requireUsable();
    return table.firstIndex();
  }

  @Override
  public long lastIndex() {
    requireUsable();
    return table.lastIndex();
  }

  @Override
  public long term(long index) {
    requireUsable();
    return table.term(index);
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    requireUsable();
    return table.entries(fromIndex, toIndex, maxBytes);
  }

  @Override
  public void append(List<LogEntry> entries) {
    requireUsable();
    LogStoreArguments.checkAppend(entries, table.firstIndex(), table.lastIndex(), snapshotShape());
    if (entries.isEmpty()) return;
    List<LogEntry> copy = List.copyOf(entries);
    table.append(copy);
    staged.add(new WalRecord.Entries(copy));
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    requireUsable();
    if (!LogStoreArguments.checkTruncate(fromIndex, table.firstIndex(), table.lastIndex(), snapshotShape())) return;
    table.truncate(fromIndex);
    staged.add(new WalRecord.Truncate(fromIndex));
  }

  @Override
  public void compactPrefix(long upToIndex) {
    requireUsable();
    LogStoreArguments.checkCompact(upToIndex, snapshotShape());
    if (upToIndex < table.firstIndex()) return;
    table.compact(upToIndex);
    staged.add(new WalRecord.Compact(upToIndex));
  }

  @Override
  public Optional<Snapshot> snapshot() {
    requireUsable();
    return Optional.ofNullable(snapshot);
  }

  /**
   * Stages {@code next}; its file is written at the next sync, under a name no earlier file had
   * (the next frame number is part of it), so the previous snapshot's file is never touched.
   */
  @Override
  public void saveSnapshot(Snapshot next) {
    requireUsable();
    Objects.requireNonNull(next, "snapshot");
    LogStoreArguments.checkSnapshot(next, table.firstIndex());
    boolean clearLog = !table.keepsLog(next.lastIndex(), next.lastTerm());
    // Take the prepared file if it holds this very snapshot; one that holds another is never used.
    Prepared p = prepared.getAndSet(null);
    boolean written = p != null && p.snapshot() == next;
    if (p != null && !written) deleteQuietly(p.fileName());
    String fileName = written ? p.fileName() : SnapshotFile.name(next.lastIndex(), next.lastTerm(), wal.nextFrameSeq());
    SnapshotRef ref = new SnapshotRef(next.lastIndex(), next.lastTerm(), fileName, next.data().length,
        SnapshotFile.crc(next.data()));
    table.setSnapshot(ref, clearLog);
    staged.add(new WalRecord.SetSnapshot(ref, clearLog));
    snapshot = next;
    stagedSnapshot = next;
    stagedSnapshotWritten = written;
  }

  /**
   * Writes the snapshot's own MapDB file now, under a name no save uses, so that the save and sync
   * that follow only write the WAL record naming it (see {@link LogStore#prepareSnapshot}).
   */
  @Override
  public void prepareSnapshot(Snapshot next) {
    requireUsable();
    Objects.requireNonNull(next, "snapshot");
    String fileName = SnapshotFile.preparedName(next.lastIndex(), next.lastTerm(), preparedFiles.incrementAndGet());
    try {
      SnapshotFile.write(directory, fileName, next);
    } catch (IOException e) {
      deleteQuietly(fileName);
      throw new StorageException("cannot write snapshot file " + directory.resolve(fileName) + ": " + e, e);
    } catch (StorageException e) {
      deleteQuietly(fileName);
      throw e;
    }
    Prepared superseded = prepared.getAndSet(new Prepared(next, fileName));
    if (superseded != null) deleteQuietly(superseded.fileName());
  }

  private void deleteQuietly(String fileName) {
    try {
      Files.deleteIfExists(directory.resolve(fileName));
    } catch (IOException e) {
      LOG.warn("could not delete unused snapshot file {}: {} (removed at the next open)", fileName, e.toString());
    }
  }

  /**
   * Makes every staged change durable: the staged snapshot's file first (written, closed, forced),
   * then one frame, one write, one {@code fdatasync}. Afterwards the previous snapshot's file and
   * the segments compaction has passed are deleted.
   */
  @Override
  public void sync() {
    requireUsable();
    if (staged.isEmpty() && hardState.equals(durable.hardState())) return;
    try {
      if (stagedSnapshot != null && !stagedSnapshotWritten) {
        SnapshotFile.write(directory, table.snapshot().fileName(), stagedSnapshot);
      }
      LogTable.Places places = table.places(); // where each staged entry lands, for the index
      WalFrame.begin(frame);
      for (WalRecord record : staged) {
        if (record instanceof WalRecord.Entries e) e.writeTo(frame, places);
        else record.writeTo(frame);
      }
      if (!hardState.equals(durable.hardState())) WalFrame.add(frame, List.of(new WalRecord.SetHardState(hardState)));
      long frameOffset = wal.append(frame, durable);
      table.written(wal.last().seq(), frameOffset, places);
      SnapshotRef previousSnapshot = durable.snapshot();
      staged.clear();
      stagedSnapshot = null;
      stagedSnapshotWritten = false;
      durable = checkpoint();
      // Only now is the switch durable: the previous snapshot's file and passed segments may go.
      if (previousSnapshot != null && !previousSnapshot.equals(durable.snapshot())) {
        Files.deleteIfExists(directory.resolve(previousSnapshot.fileName()));
      }
      wal.deleteSegmentsBefore(table.firstIndex());
    } catch (IOException | RuntimeException e) {
      // The files' state is unknown now: refuse further use; the next open recovers from the disk.
      failure = e instanceof StorageException se ? se : new StorageException("sync of log store " + directory + " failed: " + e, e);
      throw failure;
    }
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      wal.close();
    } catch (IOException e) {
      LOG.warn("closing log store {}: {}", directory, e.toString());
    } finally {
      lock.close();
    }
  }

  /** Bytes ({@link LogEntry#sizeBytes()}) of the entries held in memory: cached and staged. */
  long cachedBytes() {
    return table.cachedBytes();
  }

  /** Heap the index of the written entries takes, in bytes. */
  long indexBytes() {
    return table.indexBytes();
  }

  /** Bytes of a torn tail (an interrupted sync) that opening this store cut off; 0 if none. */
  long tornBytesAtOpen() {
    return tornBytesAtOpen;
  }

  /** The WAL segments, oldest first (for tests and tools). */
  List<Segment> segments() {
    return wal.segments();
  }

  private WalRecord.Checkpoint checkpoint() {
    return new WalRecord.Checkpoint(hardState, table.snapshot(), table.firstIndex(), table.lastIndex() + 1);
  }

  /** The latest snapshot, staged or saved: its index and term are the log's (the data is not needed here). */
  private Snapshot snapshotShape() {
    return snapshot;
  }

  private void requireUsable() {
    if (closed) throw new IllegalStateException("log store " + directory + " is closed");
    if (failure != null) throw new StorageException("log store " + directory + " failed earlier: " + failure.getMessage(), failure);
  }
}
