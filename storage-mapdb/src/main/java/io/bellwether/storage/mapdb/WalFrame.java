package io.bellwether.storage.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What one {@code sync()} writes: a header and the records staged since the previous sync, in one
 * piece, with one CRC32C over all of it. A frame is valid whole or not at all, so a sync is atomic.
 *
 * <p>Header (40 bytes, big-endian): magic "BWL1", payload length, the segment's sequence number,
 * the frame's own offset in the segment, the frame's sequence number (consecutive over the whole
 * WAL), CRC32C of the header's first 36 bytes with the CRC field zeroed plus the payload, 4 zero
 * bytes. The frame is padded with zeros to a multiple of 8 bytes. Because the header names its
 * segment and offset and the frames are numbered, a stale frame (from another place or an earlier
 * life of the file) can never pass for the next one.
 */
final class WalFrame {

  static final int MAGIC = 0x42574C31; // "BWL1"
  static final int HEADER_BYTES = 40;
  static final int ALIGNMENT = 8;
  private static final int CRC_AT = 32;

  private WalFrame() {}

  /** Starts a frame in {@code out}: reserves the header; records are written after it. */
  static void begin(GrowableBuffer out) {
    out.reset(HEADER_BYTES);
  }

  /** Appends records to a frame begun with {@link #begin}. */
  static void add(GrowableBuffer out, List<? extends WalRecord> records) {
    for (WalRecord r : records) r.writeTo(out);
  }

  /** Bytes the finished frame will take (header, payload, padding). */
  static int finishedLength(GrowableBuffer out) {
    return align(out.position());
  }

  /**
   * Fills in the header of the frame in {@code out} and pads it.
   *
   * @return the frame, ready to write at {@code offset}
   */
  static ByteBuffer finish(GrowableBuffer out, long segmentSeq, long offset, long frameSeq) {
    int payloadLength = out.position() - HEADER_BYTES;
    out.align(ALIGNMENT);
    int total = out.position();
    out.putIntAt(0, MAGIC);
    out.putIntAt(4, payloadLength);
    out.putLongAt(8, segmentSeq);
    out.putLongAt(16, offset);
    out.putLongAt(24, frameSeq);
    out.putIntAt(CRC_AT, 0);
    out.putIntAt(36, 0);
    out.putIntAt(CRC_AT, crc(out.array(), payloadLength));
    return ByteBuffer.wrap(out.array(), 0, total);
  }

  /** A frame read back from a segment. */
  record Read(long frameSeq, ByteBuffer payload, long end) {}

  /**
   * Reads the frame at {@code offset} of segment {@code segmentSeq}.
   *
   * @return the frame, or null if there is no valid frame there (zeros, a torn write, garbage)
   */
  static Read read(FileChannel channel, long size, long segmentSeq, long offset) throws IOException {
    if (offset + HEADER_BYTES > size) return null;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(channel, header, offset);
    if (header.getInt(0) != MAGIC || header.getLong(8) != segmentSeq || header.getLong(16) != offset) return null;
    int payloadLength = header.getInt(4);
    if (payloadLength < 0 || payloadLength > size - offset - HEADER_BYTES) return null;
    byte[] frame = new byte[HEADER_BYTES + payloadLength];
    System.arraycopy(header.array(), 0, frame, 0, HEADER_BYTES);
    readFully(channel, ByteBuffer.wrap(frame, HEADER_BYTES, payloadLength), offset + HEADER_BYTES);
    int stored = header.getInt(CRC_AT);
    ByteBuffer.wrap(frame).putInt(CRC_AT, 0);
    if (crc(frame, payloadLength) != stored) return null;
    return new Read(header.getLong(24), ByteBuffer.wrap(frame, HEADER_BYTES, payloadLength).slice(),
        offset + align(HEADER_BYTES + payloadLength));
  }

  /**
   * The payload at {@code offset} if the header there looks like a frame of this segment, whatever
   * its checksum: used only to explain a corrupt frame (which entry is damaged), never to trust it.
   */
  static ByteBuffer payloadIgnoringChecksum(FileChannel channel, long size, long segmentSeq, long offset) throws IOException {
    if (offset + HEADER_BYTES > size) return null;
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(channel, header, offset);
    int payloadLength = header.getInt(4);
    if (header.getInt(0) != MAGIC || payloadLength < 0 || payloadLength > size - offset - HEADER_BYTES) return null;
    ByteBuffer payload = ByteBuffer.allocate(payloadLength);
    readFully(channel, payload, offset + HEADER_BYTES);
    return payload.flip();
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  static int align(int n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = channel.read(into, at);
      if (n < 0) throw new IOException("unexpected end of file at " + at);
      at += n;
    }
  }

  private static int crc(byte[] frame, int payloadLength) {
    CRC32C crc = new CRC32C();
    crc.update(frame, 0, HEADER_BYTES + payloadLength);
    return (int) crc.getValue();
  }
}
