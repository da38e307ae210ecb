package io.bellwether.storage.mapdb;

import io.bellwether.core.Membership;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.spi.StorageException;
import java.nio.file.Path;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * The configuration a snapshot carries ({@link io.bellwether.core.spi.Snapshot#membership()}), kept
 * in the snapshot's own MapDB file beside its data: {@value #BYTES} holds the {@link MembershipCodec}
 * bytes (none for a snapshot without a configuration) and {@value #CRC} their CRC32C.
 *
 * <p>Why a checksum of its own: the data's checksum is in the WAL record naming the file, but the
 * configuration is not, and damage that still decodes (a voter flag turned learner, an address
 * changed) would otherwise restart the node into a configuration nobody chose. Why here and not in
 * the WAL: the file is the snapshot, written whole before anything names it, and the WAL's format
 * stays as it was.
 *
 * <p>A file written before snapshots carried a configuration has neither record. It reads as a
 * snapshot without one, so a data directory of an earlier release still opens; one record without
 * the other is damage.
 */
final class SnapshotConfiguration {

  static final String BYTES = "configuration";
  static final String CRC = "configurationCrc";

  private SnapshotConfiguration() {}

  /** Adds {@code membership} (or its absence, as no bytes) to a snapshot file being written. */
  static void write(DB db, Membership membership) {
    byte[] bytes = membership == null ? new byte[0] : MembershipCodec.encode(membership);
    db.atomicVar(BYTES, Serializer.BYTE_ARRAY, bytes).create();
    db.atomicInteger(CRC, SnapshotFile.crc(bytes)).create();
  }

  /**
   * The configuration in a snapshot file, or null when it has none (also a file of the earlier
   * format).
   *
   * @throws StorageException naming {@code file} if the configuration is there but damaged: one of
   *     its records missing, a checksum mismatch, bytes that do not decode, or an index past the
   *     snapshot's {@code lastIndex}
   */
  static Membership read(DB db, Path file, long lastIndex) {
    boolean hasBytes = db.exists(BYTES);
    boolean hasCrc = db.exists(CRC);
    if (!hasBytes && !hasCrc) return null; // written before snapshots carried a configuration
    if (!hasBytes || !hasCrc) {
      throw damaged(file, hasBytes ? "its checksum is missing" : "its bytes are missing");
    }
    byte[] bytes = db.atomicVar(BYTES, Serializer.BYTE_ARRAY).open().get();
    int crc = db.atomicInteger(CRC).open().get();
    if (bytes == null || SnapshotFile.crc(bytes) != crc) throw damaged(file, "checksum mismatch");
    if (bytes.length == 0) return null;
    Membership membership;
    try {
      membership = MembershipCodec.decode(bytes);
    } catch (CodecException e) {
      throw new StorageException("snapshot file " + file + ": damaged configuration: " + e.getMessage(), e);
    }
    if (membership.index() > lastIndex) {
      throw damaged(file, "set at " + membership.index() + ", past the snapshot's last index " + lastIndex);
    }
    return membership;
  }

  private static StorageException damaged(Path file, String why) {
    return new StorageException("snapshot file " + file + ": damaged configuration: " + why);
  }
}
