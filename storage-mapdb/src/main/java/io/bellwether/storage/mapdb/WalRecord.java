package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.LogEntryCodec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One change in the write-ahead log. Records travel inside a {@link WalFrame}, whose CRC32C covers
 * them all; on top of that every entry is a {@link LogEntryCodec} record with its own checksum, so
 * an entry damaged after it was framed is still caught and named by its index.
 *
 * <p>Layout of each record: type (1 byte), body length (4), body. Numbers are big-endian.
 */
sealed interface WalRecord {

  byte CHECKPOINT = 1;
  byte ENTRIES = 2;
  byte HARD_STATE = 3;
  byte TRUNCATE = 4;
  byte COMPACT = 5;
  byte SNAPSHOT = 6;

  /** Writes this record (type, length, body) to {@code out}. */
  void writeTo(GrowableBuffer out);

  /**
   * The state at the head of a segment, so that older segments can be deleted once compaction has
   * passed all their entries: the hard state, the snapshot, the first index, and the index the
   * segment's first appended entry will have (entries before it live in older segments).
   */
  record Checkpoint(HardState hardState, SnapshotRef snapshot, long firstIndex, long nextIndex) implements WalRecord {
    @Override
    public void writeTo(GrowableBuffer out) {
      int start = out.beginRecord(CHECKPOINT);
      writeHardState(hardState, out);
      out.putLong(firstIndex).putLong(nextIndex);
      out.put((byte) (snapshot == null ? 0 : 1));
      if (snapshot != null) writeSnapshotRef(snapshot, out);
      out.endRecord(start);
    }
  }

  /** Told where each entry's record went as an {@link Entries} record is written into a frame. */
  interface Placement {
    /** {@code entry}'s LogEntryCodec record starts at {@code at} of the frame and is {@code length} bytes. */
    void placed(LogEntry entry, int at, int length);
  }

  /**
   * Consecutive entries, each a LogEntryCodec record; whatever the log held from the first on goes.
   *
   * @param payloadOffsets when decoded: where each entry's record starts in its frame's payload (so
   *     the store can index it and read it back later); null when built to be written
   */
  record Entries(List<LogEntry> entries, int[] payloadOffsets) implements WalRecord {
    Entries(List<LogEntry> entries) {
      this(entries, null);
    }

    @Override
    public void writeTo(GrowableBuffer out) {
      writeTo(out, (entry, at, length) -> { });
    }

    void writeTo(GrowableBuffer out, Placement placement) {
      int start = out.beginRecord(ENTRIES);
      out.putInt(entries.size());
      for (LogEntry e : entries) {
        byte[] encoded = LogEntryCodec.encode(e);
        out.putInt(encoded.length);
        placement.placed(e, out.position(), encoded.length);
        out.put(encoded);
      }
      out.endRecord(start);
    }
  }

  record SetHardState(HardState hardState) implements WalRecord {
    @Override
    public void writeTo(GrowableBuffer out) {
      int start = out.beginRecord(HARD_STATE);
      writeHardState(hardState, out);
      out.endRecord(start);
    }
  }

  /** Drop entries at or after {@code fromIndex}. */
  record Truncate(long fromIndex) implements WalRecord {
    @Override
    public void writeTo(GrowableBuffer out) {
      int start = out.beginRecord(TRUNCATE);
      out.putLong(fromIndex);
      out.endRecord(start);
    }
  }

  /** Drop entries up to and including {@code upToIndex}. */
  record Compact(long upToIndex) implements WalRecord {
    @Override
    public void writeTo(GrowableBuffer out) {
      int start = out.beginRecord(COMPACT);
      out.putLong(upToIndex);
      out.endRecord(start);
    }
  }

  /** The switch to a new snapshot; {@code clearLog}: the log restarts right after it (decided when staged). */
  record SetSnapshot(SnapshotRef snapshot, boolean clearLog) implements WalRecord {
    @Override
    public void writeTo(GrowableBuffer out) {
      int start = out.beginRecord(SNAPSHOT);
      out.put((byte) (clearLog ? 1 : 0));
      writeSnapshotRef(snapshot, out);
      out.endRecord(start);
    }
  }

  /**
   * Decodes every record of a frame's payload.
   *
   * @param where file and offset, for messages
   * @throws io.bellwether.core.spi.StorageException if a record is malformed or an entry's checksum
   *     does not match (the message names the index the entry claims)
   */
  static List<WalRecord> decodeAll(ByteBuffer payload, String where) {
    List<WalRecord> out = new ArrayList<>();
    try {
      while (payload.hasRemaining()) {
        byte type = payload.get();
        int length = payload.getInt();
        if (length < 0 || length > payload.remaining()) throw new Malformed("record length " + length);
        int bodyStart = payload.position();
        ByteBuffer body = payload.slice(bodyStart, length);
        payload.position(bodyStart + length);
        out.add(decode(type, body, bodyStart, where));
        if (body.hasRemaining()) throw new Malformed(body.remaining() + " trailing bytes in record type " + type);
      }
    } catch (BufferUnderflowException | IllegalArgumentException | Malformed e) {
      throw new io.bellwether.core.spi.StorageException("malformed WAL record in " + where + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** @param bodyStart where {@code in} starts in the frame's payload */
  private static WalRecord decode(byte type, ByteBuffer in, int bodyStart, String where) {
    return switch (type) {
      case CHECKPOINT -> {
        HardState hs = readHardState(in);
        long first = in.getLong();
        long next = in.getLong();
        SnapshotRef snap = in.get() == 1 ? readSnapshotRef(in) : null;
        yield new Checkpoint(hs, snap, first, next);
      }
      case ENTRIES -> {
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / LogEntryCodec.MIN_RECORD_BYTES) throw new Malformed("entry count " + count);
        List<LogEntry> entries = new ArrayList<>(count);
        int[] offsets = new int[count];
        for (int i = 0; i < count; i++) {
          int size = in.getInt();
          if (size < 0 || size > in.remaining()) throw new Malformed("entry record length " + size);
          offsets[i] = bodyStart + in.position();
          byte[] record = new byte[size];
          in.get(record);
          try {
            entries.add(LogEntryCodec.decode(record));
          } catch (CodecException e) {
            throw new io.bellwether.core.spi.StorageException("corrupt entry in " + where + ": " + e.getMessage(), e);
          }
        }
        yield new Entries(entries, offsets);
      }
      case HARD_STATE -> new SetHardState(readHardState(in));
      case TRUNCATE -> new Truncate(in.getLong());
      case COMPACT -> new Compact(in.getLong());
      case SNAPSHOT -> {
        boolean clear = in.get() == 1;
        yield new SetSnapshot(readSnapshotRef(in), clear);
      }
      default -> throw new Malformed("unknown record type " + type);
    };
  }

  private static void writeHardState(HardState hs, GrowableBuffer out) {
    out.putLong(hs.term()).putLong(hs.commitIndex());
    writeString(hs.votedFor(), out);
  }

  private static HardState readHardState(ByteBuffer in) {
    long term = in.getLong();
    long commit = in.getLong();
    return new HardState(term, readString(in), commit);
  }

  private static void writeSnapshotRef(SnapshotRef s, GrowableBuffer out) {
    out.putLong(s.lastIndex()).putLong(s.lastTerm()).putLong(s.length()).putInt(s.crc());
    writeString(s.fileName(), out);
  }

  private static SnapshotRef readSnapshotRef(ByteBuffer in) {
    long index = in.getLong();
    long term = in.getLong();
    long length = in.getLong();
    int crc = in.getInt();
    String file = readString(in);
    if (file == null || index < 1 || term < 1 || length < 0) throw new Malformed("snapshot reference " + index + "@" + term);
    return new SnapshotRef(index, term, file, length, crc);
  }

  /** A string as its UTF-8 length (-1 for null) and bytes. */
  private static void writeString(String s, GrowableBuffer out) {
    if (s == null) {
      out.putInt(-1);
      return;
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.putInt(bytes.length).put(bytes);
  }

  private static String readString(ByteBuffer in) {
    int length = in.getInt();
    if (length == -1) return null;
    if (length < 0 || length > in.remaining()) throw new Malformed("string length " + length);
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A record that cannot be what the writer wrote. */
  final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }
}
