package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32C;

/** A snapshot as stored: last index, last term, data length, data, then a CRC32C of all of it. */
final class SnapshotRecord {

  private static final int HEADER_BYTES = 8 + 8 + 4;

  private SnapshotRecord() {}

  static byte[] encode(Snapshot snapshot) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + snapshot.data().length + 4);
    out.putLong(snapshot.lastIndex()).putLong(snapshot.lastTerm()).putInt(snapshot.data().length).put(snapshot.data());
    out.putInt(crc(out.array(), out.position()));
    return out.array();
  }

  /** The snapshot, or empty for the empty array that means "none saved". */
  static Optional<Snapshot> decode(byte[] stored, String where) {
    if (stored.length == 0) return Optional.empty();
    ByteBuffer in = ByteBuffer.wrap(stored);
    if (stored.length < HEADER_BYTES + 4 || in.getInt(16) != stored.length - HEADER_BYTES - 4) {
      throw new StorageException("corrupt snapshot in " + where + ": bad length");
    }
    if (in.getInt(stored.length - 4) != crc(stored, stored.length - 4)) {
      throw new StorageException("corrupt snapshot in " + where + ": checksum mismatch");
    }
    byte[] data = new byte[stored.length - HEADER_BYTES - 4];
    in.position(HEADER_BYTES);
    in.get(data);
    try {
      return Optional.of(new Snapshot(in.getLong(0), in.getLong(8), data));
    } catch (IllegalArgumentException e) {
      throw new StorageException("corrupt snapshot in " + where + ": " + e.getMessage(), e);
    }
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
