package io.bellwether.core.codec;

import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import java.nio.ByteBuffer;

/**
 * The layout of one log entry, shared by {@link MessageCodec} (entries inside AppendEntries) and
 * {@link LogEntryCodec} (entries on disk), so the two can never drift apart: term (8 bytes), index (8),
 * type code (1), data length (4), data.
 */
final class EntryLayout {

  /** Bytes of an entry before its data; also the least an entry can take, used to bound counts. */
  static final int HEADER_BYTES = 8 + 8 + 1 + 4;

  private EntryLayout() {}

  static long sizeBytes(LogEntry entry) {
    return HEADER_BYTES + (long) entry.data().length;
  }

  static void write(LogEntry entry, ByteBuffer out) {
    out.putLong(entry.term());
    out.putLong(entry.index());
    out.put((byte) entry.type().code());
    out.putInt(entry.data().length);
    out.put(entry.data());
  }

  static LogEntry read(FrameReader in) {
    // Checked here, not left to the LogEntry constructor, so the error names the offset.
    long term = in.readLongAtLeast(1, "entry term");
    long index = in.readLongAtLeast(1, "entry index");
    int typeAt = in.offset();
    byte code = in.readByte("entry type");
    EntryType type = EntryType.fromCode(code);
    if (type == null) throw new CodecException("unknown entry type code " + code, typeAt);
    int dataAt = in.offset();
    byte[] data = in.readSizedBytes("entry data");
    if (type == EntryType.CONFIG) checkConfiguration(data, index, dataAt);
    return new LogEntry(term, index, type, data);
  }

  /**
   * A configuration entry's data must be a configuration set by that very entry: every node takes
   * it into effect as soon as it appends it, so a bad one must stop at the codec, not in the engine.
   */
  private static void checkConfiguration(byte[] data, long index, int at) {
    long claimed;
    try {
      claimed = MembershipCodec.decode(data).index();
    } catch (CodecException e) {
      throw new CodecException("configuration entry " + index + ": " + e.getMessage(), at + 4 + e.offset(), e);
    }
    if (claimed != index) {
      throw new CodecException("configuration entry " + index + " claims index " + claimed, at);
    }
  }
}
