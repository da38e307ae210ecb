package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * One snapshot in its own MapDB file, {@code snapshot-<index>-<term>-<n>.db}: its index, term,
 * length and CRC32C, its data in chunks of {@value #CHUNK_BYTES} bytes, and its configuration with a
 * checksum of its own ({@link SnapshotConfiguration}; absent from files of the earlier format).
 *
 * <p>Why MapDB may hold it although MapDB's commit is not crash-atomic: the file is written whole,
 * closed and forced (with its directory) <em>before</em> the WAL record naming it is written, and the
 * store never writes to it again. A file torn by a crash is therefore never referenced; the loader
 * still checks every field and the data's checksum against the WAL's reference.
 */
final class SnapshotFile {

  static final String PREFIX = "snapshot-";
  static final String SUFFIX = ".db";
  static final int CHUNK_BYTES = 1 << 20;

  private SnapshotFile() {}

  static String name(long index, long term, long unique) {
    return PREFIX + index + "-" + term + "-" + unique + SUFFIX;
  }

  /** A prepared snapshot's name: never one {@link #name} gives, whatever the store's history. */
  static String preparedName(long index, long term, long unique) {
    return PREFIX + index + "-" + term + "-p" + unique + SUFFIX;
  }

  static boolean isSnapshotFile(String fileName) {
    return fileName.startsWith(PREFIX) && fileName.contains(SUFFIX);
  }

  static int crc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return (int) crc.getValue();
  }

  /** Writes {@code snapshot} to a new file in {@code dir}, then forces the file and the directory. */
  static void write(Path dir, String fileName, Snapshot snapshot) throws IOException {
    Path file = dir.resolve(fileName);
    Files.deleteIfExists(file); // a leftover of a crash before its WAL record: never referenced
    // FileChannel rather than MapDB's default RandomAccessFile: creating a file was 5-10 times faster here.
    DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().fileLockDisable().make();
    try {
      byte[] data = snapshot.data();
      BTreeMap<Integer, byte[]> chunks =
          db.treeMap("chunks", Serializer.INTEGER, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().create();
      for (int i = 0, at = 0; at < data.length; i++, at += CHUNK_BYTES) {
        chunks.put(i, java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + CHUNK_BYTES)));
      }
      db.atomicLong("lastIndex", snapshot.lastIndex()).create();
      db.atomicLong("lastTerm", snapshot.lastTerm()).create();
      db.atomicLong("length", data.length).create();
      db.atomicInteger("crc", crc(data)).create();
      SnapshotConfiguration.write(db, snapshot.membership());
      db.commit();
    } catch (RuntimeException | AssertionError e) {
      throw new StorageException("cannot write snapshot file " + file + ": " + e, e);
    } finally {
      db.close();
    }
    Fsync.file(file);
    Fsync.directory(dir);
  }

  /**
   * Loads the snapshot {@code ref} names, with its configuration, and checks it against the
   * reference.
   *
   * @throws StorageException naming the file if it is missing, unreadable or does not match, or its
   *     configuration is damaged
   */
  static Snapshot read(Path dir, SnapshotRef ref) {
    Path file = dir.resolve(ref.fileName());
    if (!Files.isRegularFile(file)) throw new StorageException("snapshot file " + file + " named by the WAL is missing");
    DB db = null;
    try {
      db = DBMaker.fileDB(file.toFile()).fileChannelEnable().readOnly().fileLockDisable().make();
      long index = db.atomicLong("lastIndex").open().get();
      long term = db.atomicLong("lastTerm").open().get();
      long length = db.atomicLong("length").open().get();
      Atomic.Integer crc = db.atomicInteger("crc").open();
      if (index != ref.lastIndex() || term != ref.lastTerm() || length != ref.length() || crc.get() != ref.crc()) {
        throw new StorageException("snapshot file " + file + " holds " + index + "@" + term + " (" + length
            + " B) but the WAL names " + ref.lastIndex() + "@" + ref.lastTerm() + " (" + ref.length() + " B)");
      }
      if (length > Integer.MAX_VALUE - 8) throw new StorageException("snapshot file " + file + ": bad length " + length);
      BTreeMap<Integer, byte[]> chunks = db.treeMap("chunks", Serializer.INTEGER, Serializer.BYTE_ARRAY).open();
      byte[] data = new byte[(int) length];
      int at = 0;
      for (int i = 0; at < data.length; i++) {
        byte[] chunk = chunks.get(i);
        if (chunk == null || chunk.length > data.length - at) throw new StorageException("snapshot file " + file + ": chunk " + i + " missing or too long");
        System.arraycopy(chunk, 0, data, at, chunk.length);
        at += chunk.length;
      }
      if (crc(data) != ref.crc()) throw new StorageException("snapshot file " + file + ": checksum mismatch in its data");
      return new Snapshot(ref.lastIndex(), ref.lastTerm(), SnapshotConfiguration.read(db, file, index), data);
    } catch (StorageException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      throw new StorageException("cannot read snapshot file " + file + ": " + e, e);
    } finally {
      if (db != null) {
        try {
          db.close();
        } catch (RuntimeException | AssertionError ignored) {
          // Read-only: nothing to lose; the original error, if any, is the one to report.
        }
      }
    }
  }
}
