package io.bellwether.core.codec;

import io.bellwether.core.LogEntry;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encodes one {@link LogEntry} as a self-checking record for storage modules: the entry in the same
 * layout as inside AppendEntries (term, index, type code, data length, data), then a CRC32C of all
 * those bytes (4 bytes, big-endian). The checksum turns a torn or bit-rotted record into an explicit
 * {@link CodecException} instead of a silently different command applied to the state machine.
 *
 * <p>Thread-safe: stateless.
 */
public final class LogEntryCodec {

  public static final int CHECKSUM_BYTES = 4;

  /** The smallest record: an entry with empty data, plus its checksum. */
  public static final int MIN_RECORD_BYTES = EntryLayout.HEADER_BYTES + CHECKSUM_BYTES;

  private LogEntryCodec() {}

  /** Bytes {@link #encode} will return for {@code entry}. */
  public static long encodedSize(LogEntry entry) {
    return EntryLayout.sizeBytes(entry) + CHECKSUM_BYTES;
  }

  /**
   * @return a new array holding exactly the record
   * @throws IllegalArgumentException if the record would not fit in an array
   * @throws NullPointerException if {@code entry} is null
   */
  public static byte[] encode(LogEntry entry) {
    long size = encodedSize(entry);
    if (size > Integer.MAX_VALUE - 8) { // the largest array a JVM reliably allocates
      throw new IllegalArgumentException(entry + " is too large for one record: " + size + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    EntryLayout.write(entry, out);
    out.putInt(checksum(out.array(), out.position()));
    return out.array();
  }

  /**
   * Decodes a record that fills {@code record} exactly, verifying its checksum first.
   *
   * @throws CodecException if the record is truncated, its checksum does not match (the message names
   *     the index the record claims), or its content is invalid
   * @throws NullPointerException if {@code record} is null
   */
  public static LogEntry decode(byte[] record) {
    if (record.length < MIN_RECORD_BYTES) {
      throw new CodecException(
          "truncated entry record: " + record.length + " bytes, at least " + MIN_RECORD_BYTES
              + " needed" + claimedIndex(record),
          record.length);
    }
    int checksumAt = record.length - CHECKSUM_BYTES;
    int stored = ByteBuffer.wrap(record, checksumAt, CHECKSUM_BYTES).getInt();
    int computed = checksum(record, checksumAt);
    if (stored != computed) {
      throw new CodecException(
          String.format(
              "checksum mismatch%s: stored %08x, computed %08x",
              claimedIndex(record), stored, computed),
          checksumAt);
    }
    FrameReader in = new FrameReader(ByteBuffer.wrap(record, 0, checksumAt));
    LogEntry entry = EntryLayout.read(in);
    if (in.remaining() > 0) {
      throw new CodecException(
          in.remaining() + " trailing bytes after entry " + entry.index(), in.offset());
    }
    return entry;
  }

  private static int checksum(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  /** " for entry index N" when the index field is present; it may be corrupt itself, hence "claims". */
  private static String claimedIndex(byte[] record) {
    if (record.length < 16) return "";
    return " for entry index " + ByteBuffer.wrap(record, 8, 8).getLong() + " (as the record claims)";
  }
}
