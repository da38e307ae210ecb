package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * One of the store's two MapDB files. It holds the log as batches (first index to {@link
 * BatchRecord}), the first index, the log sequence number and the snapshot. It is written only by
 * {@link #apply} followed by {@link #commit}, while the control file names it as the copy in flight.
 *
 * <p>MapDB's transactional commit is durable (its WAL and the file are forced) but not crash-atomic:
 * a kill during the commit can leave this file half-updated. The store never trusts a copy that
 * might be in that state; it rebuilds it from the other copy (see {@link MapDbLogStore}).
 */
final class MapDbCopy implements AutoCloseable {

  private final Path file;
  private final DB db;
  private final BTreeMap<Long, byte[]> batches;
  private final Atomic.Long firstIndex;
  private final Atomic.Long logSequence;
  private final Atomic.Var<byte[]> snapshot;

  private MapDbCopy(Path file, DB db, boolean create) {
    this.file = file;
    this.db = db;
    if (create) {
      batches = db.treeMap("batches", Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().create();
      firstIndex = db.atomicLong("firstIndex", 1).create();
      logSequence = db.atomicLong("logSequence", 0).create();
      snapshot = db.atomicVar("snapshot", Serializer.BYTE_ARRAY, new byte[0]).create();
    } else {
      batches = db.treeMap("batches", Serializer.LONG, Serializer.BYTE_ARRAY).open();
      firstIndex = db.atomicLong("firstIndex").open();
      logSequence = db.atomicLong("logSequence").open();
      snapshot = db.atomicVar("snapshot", Serializer.BYTE_ARRAY).open();
    }
  }

  /** Creates a new, empty copy and commits it. */
  static MapDbCopy create(Path file) {
    return open(file, true);
  }

  /**
   * Opens an existing copy.
   *
   * @throws StorageException naming the file if MapDB cannot open it or it lacks the store's maps
   */
  static MapDbCopy open(Path file) {
    if (!Files.isRegularFile(file)) throw new StorageException("store file " + file + " is missing");
    return open(file, false);
  }

  private static MapDbCopy open(Path file, boolean create) {
    DB db = null;
    try {
      db = DBMaker.fileDB(file.toFile()).transactionEnable().fileLockDisable().make();
      MapDbCopy copy = new MapDbCopy(file, db, create);
      if (create) db.commit();
      return copy;
    } catch (RuntimeException | AssertionError e) {
      if (db != null) closeQuietly(db);
      throw new StorageException("cannot open store file " + file + ": " + e, e);
    }
  }

  Path file() {
    return file;
  }

  String describe() {
    return file.toString();
  }

  long firstIndex() {
    return read(firstIndex::get);
  }

  long logSequence() {
    return read(logSequence::get);
  }

  /** The encoded snapshot, or an empty array when none was saved. */
  byte[] snapshot() {
    return read(snapshot::get);
  }

  /** The batch stored under {@code firstIndex}, or null. */
  byte[] batch(long batchFirstIndex) {
    return read(() -> batches.get(batchFirstIndex));
  }

  /** Every stored batch in index order, read in one pass (used once, at open). */
  List<Map.Entry<Long, byte[]>> allBatches() {
    return read(() -> {
      List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
      for (Map.Entry<Long, byte[]> e : batches.entrySet()) out.add(Map.entry(e.getKey(), e.getValue()));
      return out;
    });
  }

  /** Applies staged changes in order, then sets the log sequence; nothing is durable before {@link #commit}. */
  void apply(List<StoredChange> changes, long nextLogSequence) {
    write(() -> {
      for (StoredChange change : changes) change.applyTo(this);
      logSequence.set(nextLogSequence);
      return null;
    });
  }

  void commit() {
    write(() -> {
      db.commit();
      return null;
    });
  }

  // ---- primitive changes, used by StoredChange

  void putBatch(long batchFirstIndex, byte[] batch) {
    batches.put(batchFirstIndex, batch);
  }

  /** Removes every entry at or after {@code fromIndex}, cutting the batch that straddles it. */
  void truncateFrom(long fromIndex) {
    Map.Entry<Long, byte[]> floor = batches.floorEntry(fromIndex);
    if (floor != null && floor.getKey() < fromIndex) {
      long start = floor.getKey();
      int count = BatchRecord.count(floor.getValue(), start, describe());
      if (start + count > fromIndex) {
        batches.put(start, BatchRecord.prefix(floor.getValue(), start, (int) (fromIndex - start), describe()));
      }
    }
    for (Long key : new ArrayList<>(batches.tailMap(fromIndex, true).keySet())) batches.remove(key);
  }

  /** Removes every batch whose entries all sit at or before {@code upToIndex}; sets the first index. */
  void compactTo(long upToIndex) {
    for (Map.Entry<Long, byte[]> e : new ArrayList<>(batches.headMap(upToIndex, true).entrySet())) {
      int count = BatchRecord.count(e.getValue(), e.getKey(), describe());
      if (e.getKey() + count - 1 <= upToIndex) batches.remove(e.getKey());
    }
    firstIndex.set(upToIndex + 1);
  }

  /** Removes every batch and restarts the log at {@code newFirstIndex}. */
  void clearLog(long newFirstIndex) {
    for (Long key : new ArrayList<>(batches.keySet())) batches.remove(key);
    firstIndex.set(newFirstIndex);
  }

  void setSnapshot(byte[] encoded) {
    snapshot.set(encoded);
  }

  @Override
  public void close() {
    write(() -> {
      if (!db.isClosed()) db.close();
      return null;
    });
  }

  /** Deletes MapDB's write-ahead files next to {@code file}; never replayed, so only noise after a crash. */
  static void deleteWalFiles(Path file) throws IOException {
    String prefix = file.getFileName() + ".wal";
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      for (Path p : (Iterable<Path>) siblings::iterator) {
        if (p.getFileName().toString().startsWith(prefix)) Files.deleteIfExists(p);
      }
    }
  }

  private interface Action<T> {
    T run();
  }

  /** MapDB signals corrupt data with assorted runtime exceptions and errors: all become StorageException. */
  private <T> T read(Action<T> action) {
    try {
      return action.run();
    } catch (StorageException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      throw new StorageException("cannot read store file " + file + ": " + e, e);
    }
  }

  private <T> T write(Action<T> action) {
    try {
      return action.run();
    } catch (StorageException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      throw new StorageException("cannot write store file " + file + ": " + e, e);
    }
  }

  private static void closeQuietly(DB db) {
    try {
      db.close();
    } catch (RuntimeException | AssertionError ignored) {
      // Already failing: the original error is the one to report.
    }
  }
}
