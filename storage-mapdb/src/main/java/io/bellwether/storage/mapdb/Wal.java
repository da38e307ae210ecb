package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The segment log's files: the segments in order, the open last one, and where the next frame
 * goes. {@link #append} writes one frame with one positional write and forces it with one {@code
 * force(false)} ({@code fdatasync}). Segments are preallocated with zeros, so that force does not
 * have to update the file's size or block map on every sync. {@link #read} reads a span back, for
 * entries the store no longer holds in memory; older segments stay open for reading once read.
 *
 * <p>Not thread-safe: one caller, the store's.
 */
final class Wal implements AutoCloseable {

  private static final int ZERO_CHUNK = 1 << 20;

  private final Path walDir;
  private final long segmentBytes;
  private final List<Segment> segments;
  private final GrowableBuffer headBuffer = new GrowableBuffer(256);
  private FileChannel channel;
  /** Older segments opened for reading, by sequence number; closed when deleted. */
  private final Map<Long, FileChannel> readers = new HashMap<>();
  private long capacity;
  private long writeOffset;
  private long nextFrameSeq;

  /**
   * @param segments every segment in order; the last one is opened for writing
   * @param writeOffset where the next frame goes in the last segment
   */
  Wal(Path walDir, long segmentBytes, List<Segment> segments, long writeOffset, long nextFrameSeq) throws IOException {
    this.walDir = walDir;
    this.segmentBytes = segmentBytes;
    this.segments = new ArrayList<>(segments);
    this.writeOffset = writeOffset;
    this.nextFrameSeq = nextFrameSeq;
    openLast();
  }

  /**
   * Creates the first segment of a new WAL in {@code walDir}, holding {@code head}; the caller
   * makes {@code walDir} appear atomically.
   */
  static void createFirst(Path walDir, long segmentBytes, WalRecord.Checkpoint head) throws IOException {
    createSegment(walDir, new GrowableBuffer(256), 0, 0, head, segmentBytes, 0);
  }

  /** The sequence number the next frame will have (every frame takes the next one). */
  long nextFrameSeq() {
    return nextFrameSeq;
  }

  List<Segment> segments() {
    return List.copyOf(segments);
  }

  Segment last() {
    return segments.get(segments.size() - 1);
  }

  /**
   * Appends the frame begun in {@code frame} and forces it. When it does not fit in the current
   * segment, first starts a new segment whose head is {@code head} (the state already durable).
   *
   * @return where the frame starts in {@link #last()}, the segment it went to
   */
  long append(GrowableBuffer frame, WalRecord.Checkpoint head) throws IOException {
    long length = WalFrame.finishedLength(frame);
    if (writeOffset + length > capacity) rotate(head, length);
    ByteBuffer bytes = WalFrame.finish(frame, last().seq(), writeOffset, nextFrameSeq);
    long at = writeOffset;
    while (bytes.hasRemaining()) at += channel.write(bytes, at);
    channel.force(false);
    long start = writeOffset;
    writeOffset = at;
    nextFrameSeq++;
    return start;
  }

  /**
   * Reads {@code length} bytes at {@code offset} of segment {@code seq} with one positional read.
   *
   * @throws IOException if the segment is gone or shorter than that
   */
  ByteBuffer read(long seq, long offset, int length) throws IOException {
    FileChannel ch = seq == last().seq() ? channel : readers.get(seq);
    if (ch == null) {
      Segment segment = segments.stream().filter(s -> s.seq() == seq).findFirst()
          .orElseThrow(() -> new IOException("no WAL segment numbered " + seq + " in " + walDir));
      ch = FileChannel.open(segment.path(), StandardOpenOption.READ);
      readers.put(seq, ch);
    }
    ByteBuffer span = ByteBuffer.allocate(length);
    WalFrame.readFully(ch, span, offset);
    return span.flip();
  }

  /**
   * Deletes the oldest segments whose entries all lie before {@code firstIndex}: a segment can go
   * when the next one starts at or before the first index (its checkpoint then carries the rest).
   */
  void deleteSegmentsBefore(long firstIndex) throws IOException {
    boolean deleted = false;
    while (segments.size() > 1 && segments.get(1).startIndex() <= firstIndex) {
      Segment gone = segments.remove(0);
      FileChannel reader = readers.remove(gone.seq());
      if (reader != null) reader.close();
      Files.deleteIfExists(gone.path());
      deleted = true;
    }
    if (deleted) Fsync.directory(walDir);
  }

  @Override
  public void close() throws IOException {
    for (FileChannel reader : readers.values()) reader.close();
    readers.clear();
    if (channel != null) channel.close();
  }

  private void rotate(WalRecord.Checkpoint head, long frameLength) throws IOException {
    Segment previous = last();
    long headEnd = createSegment(walDir, headBuffer, previous.seq() + 1, nextFrameSeq, head, segmentBytes, frameLength);
    nextFrameSeq++;
    channel.close();
    segments.add(new Segment(previous.seq() + 1, head.nextIndex(), walDir.resolve(Segment.name(previous.seq() + 1, head.nextIndex()))));
    writeOffset = headEnd;
    openLast();
  }

  /**
   * Writes a zero-filled segment holding {@code head} under a temporary name, forces it, renames it
   * into place and forces the directory: a segment exists under its name only once it is whole.
   *
   * @param segmentBytes the usual size; larger if the head plus a frame of {@code frameBytes} needs it
   * @return where the next frame goes
   */
  private static long createSegment(Path walDir, GrowableBuffer buffer, long seq, long frameSeq,
      WalRecord.Checkpoint head, long segmentBytes, long frameBytes) throws IOException {
    String name = Segment.name(seq, head.nextIndex());
    Path temp = walDir.resolve(name + ".tmp");
    WalFrame.begin(buffer);
    WalFrame.add(buffer, List.of(head));
    ByteBuffer frame = WalFrame.finish(buffer, seq, 0, frameSeq);
    long headEnd = frame.remaining();
    long size = Math.max(segmentBytes, headEnd + frameBytes);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      long at = 0;
      while (frame.hasRemaining()) at += ch.write(frame, at);
      ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK);
      while (at < size) {
        zeros.clear().limit((int) Math.min(ZERO_CHUNK, size - at));
        while (zeros.hasRemaining()) at += ch.write(zeros, at);
      }
      ch.force(true);
    }
    Files.move(temp, walDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(walDir);
    return headEnd;
  }

  private void openLast() throws IOException {
    channel = FileChannel.open(last().path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    capacity = channel.size();
    if (writeOffset > capacity) {
      channel.close();
      throw new StorageException("segment " + last() + " is shorter than its data");
    }
  }
}
