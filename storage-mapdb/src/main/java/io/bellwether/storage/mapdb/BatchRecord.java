package io.bellwether.storage.mapdb;

import io.bellwether.core.LogEntry;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.LogEntryCodec;
import io.bellwether.core.spi.StorageException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One appended batch of consecutive entries as one MapDB value, so a replicated batch costs one
 * B-tree insert. Layout: a format byte, the entry count, the first index, then per entry a length
 * and its {@link LogEntryCodec} record (which carries its own CRC32C). Every entry is verified when
 * the batch is decoded, and its index must be the one its position implies.
 */
final class BatchRecord {

  private static final byte FORMAT = 1;
  private static final int HEADER_BYTES = 1 + 4 + 8;

  private BatchRecord() {}

  static byte[] encode(List<LogEntry> entries) {
    List<byte[]> records = new ArrayList<>(entries.size());
    long totalBytes = HEADER_BYTES;
    for (LogEntry entry : entries) {
      byte[] record = LogEntryCodec.encode(entry);
      records.add(record);
      totalBytes += 4 + record.length;
    }
    if (totalBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("batch of " + entries.size() + " entries is too large: " + totalBytes + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) totalBytes);
    out.put(FORMAT).putInt(entries.size()).putLong(entries.get(0).index());
    for (byte[] record : records) out.putInt(record.length).put(record);
    return out.array();
  }

  /** The number of entries the batch holds, read from its header only. */
  static int count(byte[] batch, long expectedFirstIndex, String where) {
    return header(batch, expectedFirstIndex, where).getInt(1);
  }

  /**
   * Decodes and verifies the first {@code limit} entries (all of them when {@code limit} is larger).
   *
   * @throws StorageException naming the index of the first entry that fails its checksum or
   *     does not sit where the batch says
   */
  static List<LogEntry> decode(byte[] batch, long expectedFirstIndex, int limit, String where) {
    ByteBuffer in = header(batch, expectedFirstIndex, where);
    int count = in.getInt(1);
    in.position(HEADER_BYTES);
    int wanted = Math.min(count, limit);
    List<LogEntry> out = new ArrayList<>(wanted);
    for (int i = 0; i < wanted; i++) {
      long index = expectedFirstIndex + i;
      byte[] record = nextRecord(in, index, where);
      LogEntry entry;
      try {
        entry = LogEntryCodec.decode(record);
      } catch (CodecException e) {
        throw new StorageException(
            "corrupt log entry at index " + index + " in " + where + ": " + e.getMessage(), e);
      }
      if (entry.index() != index) {
        throw new StorageException(
            "corrupt log entry at index " + index + " in " + where + ": the record claims index " + entry.index());
      }
      out.add(entry);
    }
    if (wanted == count && in.hasRemaining()) {
      throw new StorageException(
          "corrupt log batch at index " + expectedFirstIndex + " in " + where + ": " + in.remaining() + " trailing bytes");
    }
    return out;
  }

  /** The same batch cut to its first {@code keep} entries (1 <= keep < count), without re-encoding. */
  static byte[] prefix(byte[] batch, long firstIndex, int keep, String where) {
    ByteBuffer in = header(batch, firstIndex, where);
    in.position(HEADER_BYTES);
    for (int i = 0; i < keep; i++) nextRecord(in, firstIndex + i, where);
    byte[] out = new byte[in.position()];
    System.arraycopy(batch, 0, out, 0, out.length);
    ByteBuffer.wrap(out).putInt(1, keep);
    return out;
  }

  private static ByteBuffer header(byte[] batch, long expectedFirstIndex, String where) {
    ByteBuffer in = ByteBuffer.wrap(batch);
    if (batch.length < HEADER_BYTES || batch[0] != FORMAT) {
      throw new StorageException(
          "corrupt log batch at index " + expectedFirstIndex + " in " + where + ": bad header");
    }
    int count = in.getInt(1);
    long firstIndex = in.getLong(5);
    if (count < 1 || firstIndex != expectedFirstIndex) {
      throw new StorageException(
          "corrupt log batch at index " + expectedFirstIndex + " in " + where + ": header says "
              + count + " entries from index " + firstIndex);
    }
    return in;
  }

  private static byte[] nextRecord(ByteBuffer in, long index, String where) {
    if (in.remaining() < 4) {
      throw new StorageException("corrupt log entry at index " + index + " in " + where + ": batch ends early");
    }
    int length = in.getInt();
    if (length < LogEntryCodec.MIN_RECORD_BYTES || length > in.remaining()) {
      throw new StorageException(
          "corrupt log entry at index " + index + " in " + where + ": bad record length " + length);
    }
    byte[] record = new byte[length];
    in.get(record);
    return record;
  }
}
