package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.codec.LogEntryCodec;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the log from the WAL's segments at open: replays every frame in order and decides what an
 * invalid frame means.
 *
 * <ul>
 *   <li>In the last segment, an invalid frame with nothing valid after it is the torn tail of the
 *       sync a crash interrupted (never acknowledged): it is cut off and its bytes are zeroed, so
 *       no later frame can be mistaken for, or mixed with, it.
 *   <li>An invalid frame followed by a valid one, or by anything but zeros in an older segment, is
 *       damage to synced data: a {@link StorageException} naming the file and offset, never a
 *       silent truncation.
 * </ul>
 *
 * Every segment starts with a checkpoint; for the oldest it is where replay starts, for the others
 * it must agree with what replay built so far.
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  private static final int SCAN_CHUNK = 1 << 20;

  /** What replay found: the log, the hard state, and where the next frame goes. */
  record Result(LogTable table, HardState hardState, long writeOffset, long nextFrameSeq, long tornBytes) {}

  private final LogTable table;
  private HardState hardState;
  private long expectedFrameSeq = -1;

  private Recovery(LogTable table) {
    this.table = table;
  }

  /**
   * @param segments every segment file, in sequence order, consecutive
   * @param table an empty table to rebuild (with the cache bounds the store runs with)
   */
  static Result replay(List<Segment> segments, LogTable table) throws IOException {
    Recovery r = new Recovery(table);
    long writeOffset = 0;
    long torn = 0;
    for (int i = 0; i < segments.size(); i++) {
      boolean last = i == segments.size() - 1;
      long[] end = r.replaySegment(segments.get(i), i == 0, last);
      writeOffset = end[0];
      torn = end[1];
    }
    if (r.table.missingEntries()) {
      throw new StorageException("WAL in " + segments.get(0).path().getParent() + " lacks entries from "
          + r.table.firstIndex() + " on: the segment holding them is gone");
    }
    var snap = r.table.snapshot();
    if (snap != null && (snap.lastIndex() < r.table.firstIndex() - 1 || snap.lastIndex() > r.table.lastIndex())) {
      throw new StorageException("inconsistent WAL: snapshot at " + snap.lastIndex() + " outside the log "
          + r.table.firstIndex() + ".." + r.table.lastIndex());
    }
    return new Result(r.table, r.hardState, writeOffset, r.expectedFrameSeq, torn);
  }

  /** @return where the segment's valid frames end, and how many torn bytes were zeroed there */
  private long[] replaySegment(Segment segment, boolean first, boolean last) throws IOException {
    try (FileChannel ch = FileChannel.open(segment.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long offset = 0;
      boolean head = true;
      while (true) {
        WalFrame.Read frame = WalFrame.read(ch, size, segment.seq(), offset);
        if (frame == null) break;
        String where = segment + " at offset " + offset;
        if (expectedFrameSeq >= 0 && frame.frameSeq() != expectedFrameSeq) {
          throw new StorageException("WAL frame out of sequence in " + where + ": number " + frame.frameSeq()
              + ", expected " + expectedFrameSeq);
        }
        expectedFrameSeq = frame.frameSeq() + 1;
        List<WalRecord> records = WalRecord.decodeAll(frame.payload(), where);
        for (WalRecord record : records) {
          if (head != record instanceof WalRecord.Checkpoint) {
            throw new StorageException("WAL segment " + segment + (head ? " does not start with a checkpoint" : " holds a checkpoint after its head")
                + " (at offset " + offset + ")");
          }
          if (head) startSegment(segment, (WalRecord.Checkpoint) record, first);
          else apply(record, where, segment.seq(), offset);
          head = false;
        }
        offset = frame.end();
      }
      if (head) throw new StorageException("WAL segment " + segment + " has no valid checkpoint at offset 0: damaged");
      return new long[] {offset, endOfData(ch, size, segment, offset, last)};
    }
  }

  /**
   * Checks what follows the last valid frame at {@code offset}: zeros (the preallocated rest), or
   * in the last segment a torn frame, which is zeroed. Anything else is damage.
   *
   * @return torn bytes zeroed
   */
  private static long endOfData(FileChannel ch, long size, Segment segment, long offset, boolean last) throws IOException {
    long lastNonZero = -1;
    ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK);
    for (long at = offset; at < size; at += SCAN_CHUNK) {
      chunk.clear().limit((int) Math.min(SCAN_CHUNK, size - at));
      WalFrame.readFully(ch, chunk, at);
      // Frames start at aligned offsets and the scan starts at one, so whole words suffice.
      for (int i = 0; i < chunk.limit(); i += WalFrame.ALIGNMENT) {
        int n = Math.min(WalFrame.ALIGNMENT, chunk.limit() - i);
        long word = n == WalFrame.ALIGNMENT ? chunk.getLong(i) : tail(chunk, i, n);
        if (word == 0) continue;
        long pos = at + i;
        lastNonZero = pos + n - 1;
        // Is there a valid frame past the damage? Then the damage is not a torn tail.
        if (pos > offset && n == WalFrame.ALIGNMENT && chunk.getInt(i) == WalFrame.MAGIC
            && WalFrame.read(ch, size, segment.seq(), pos) != null) {
          throw damaged(ch, size, segment, offset, "a valid frame follows at offset " + pos);
        }
      }
    }
    if (lastNonZero < 0) return 0;
    if (!last) throw damaged(ch, size, segment, offset, "older segments end in zeros");
    // The torn tail of the interrupted sync: never acknowledged, so it goes; zeroed so it stays gone.
    long torn = lastNonZero + 1 - offset;
    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(SCAN_CHUNK, torn));
    for (long at = offset; at <= lastNonZero; ) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), lastNonZero + 1 - at));
      while (zeros.hasRemaining()) at += ch.write(zeros, at);
    }
    ch.force(false);
    LOG.info("cut the torn tail of {}: {} bytes at offset {} (a sync interrupted by a crash)", segment, torn, offset);
    return torn;
  }

  private static long tail(ByteBuffer chunk, int from, int n) {
    long word = 0;
    for (int k = 0; k < n; k++) word = word << 8 | (chunk.get(from + k) & 0xff);
    return word;
  }

  private static StorageException damaged(FileChannel ch, long size, Segment segment, long offset, String why) throws IOException {
    String detail = "";
    ByteBuffer payload = WalFrame.payloadIgnoringChecksum(ch, size, segment.seq(), offset);
    if (payload != null) {
      try {
        WalRecord.decodeAll(payload, segment + " at offset " + offset);
      } catch (StorageException e) {
        detail = "; " + e.getMessage();
      }
    }
    return new StorageException("corrupt WAL: invalid frame in " + segment + " at offset " + offset + " but "
        + why + ": synced data is damaged, refusing to cut it off" + detail);
  }

  private void startSegment(Segment segment, WalRecord.Checkpoint head, boolean first) {
    if (head.nextIndex() != segment.startIndex()) {
      throw new StorageException("WAL segment " + segment + " starts at index " + head.nextIndex() + ", its name says "
          + segment.startIndex());
    }
    if (first) {
      table.reset(head.firstIndex(), head.nextIndex(), head.snapshot());
      hardState = head.hardState();
      return;
    }
    boolean agrees = head.hardState().equals(hardState)
        && Objects.equals(head.snapshot(), table.snapshot())
        && head.firstIndex() == table.firstIndex()
        && head.nextIndex() == table.lastIndex() + 1;
    if (!agrees) {
      throw new StorageException("WAL segment " + segment + " starts with " + head + " but the segments before it end with "
          + hardState + ", " + table.snapshot() + ", entries " + table.firstIndex() + ".." + table.lastIndex());
    }
  }

  /** @param frameOffset where the frame holding {@code record} starts in segment {@code segment} */
  private void apply(WalRecord record, String where, long segment, long frameOffset) {
    boolean ok;
    if (record instanceof WalRecord.Entries e) {
      int n = e.entries().size();
      long[] offsets = new long[n];
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        offsets[i] = frameOffset + WalFrame.HEADER_BYTES + e.payloadOffsets()[i];
        lengths[i] = (int) LogEntryCodec.encodedSize(e.entries().get(i));
      }
      ok = table.appendWritten(e.entries(), segment, offsets, lengths);
    } else if (record instanceof WalRecord.SetHardState h) {
      hardState = h.hardState();
      ok = true;
    } else if (record instanceof WalRecord.Truncate t) {
      ok = t.fromIndex() >= table.firstIndex();
      if (ok) table.truncate(t.fromIndex());
    } else if (record instanceof WalRecord.Compact c) {
      ok = table.compact(c.upToIndex());
    } else if (record instanceof WalRecord.SetSnapshot s) {
      ok = s.snapshot().lastIndex() >= table.firstIndex() - 1;
      if (ok) table.setSnapshot(s.snapshot(), s.clearLog());
    } else {
      ok = false;
    }
    if (!ok) {
      throw new StorageException("inconsistent WAL in " + where + ": " + describe(record) + " does not fit the log "
          + table.firstIndex() + ".." + table.lastIndex());
    }
  }

  private static String describe(WalRecord record) {
    if (record instanceof WalRecord.Entries e && !e.entries().isEmpty()) {
      return "entries " + e.entries().get(0).index() + ".." + e.entries().get(e.entries().size() - 1).index();
    }
    return record.toString();
  }
}
