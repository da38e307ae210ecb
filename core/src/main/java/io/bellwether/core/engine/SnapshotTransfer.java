package io.bellwether.core.engine;

import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;

/**
 * One snapshot on its way to one follower (Raft §7), in chunks, with at most one chunk unanswered
 * (flow control: a follower that stalls costs one chunk of bandwidth, not the whole snapshot).
 *
 * <p>The follower accepts chunks only in order and answers with the offset it expects next, so this
 * transfer always resumes from the follower's answer: a lost chunk or a lost answer is sent again,
 * never skipped. It keeps the snapshot it started with even if the leader takes a newer one
 * meanwhile, since the follower's half-received bytes belong to this one.
 *
 * <p>The bytes sent are the snapshot's transferred form ({@link SnapshotData}, exported once for
 * this transfer), read a chunk at a time so that no snapshot needs to fit in the heap; its owner
 * ({@link Progress}) {@link #close closes} it when the transfer ends.
 *
 * <p>Its own type because the progress of a transfer (offset, a chunk in flight) is a state machine
 * of its own beside the replication of entries, and mixing its fields into {@link Progress} let the
 * leader change them directly from three places.
 */
final class SnapshotTransfer {

  /** One chunk to send: {@code data} starts at byte {@code offset} of the snapshot. */
  record Chunk(long offset, byte[] data) {}

  private final Snapshot snapshot;
  private final SnapshotData data;
  private long offset;
  private boolean chunkInFlight;
  private boolean closed;

  /** @param data {@code snapshot}'s transferred form, owned by this transfer from now on */
  SnapshotTransfer(Snapshot snapshot, SnapshotData data) {
    this.snapshot = snapshot;
    this.data = data;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  /** The bytes sent: their size and checksum go in every chunk. */
  SnapshotData data() {
    return data;
  }

  /** The index of the last entry the snapshot covers. */
  long lastIndex() {
    return snapshot.lastIndex();
  }

  /** The byte offset of the next chunk to send. */
  long offset() {
    return offset;
  }

  boolean chunkInFlight() {
    return chunkInFlight;
  }

  /**
   * The next chunk, at most {@code maxBytes} long, now counted as in flight; or null while a chunk is
   * still unanswered (one at a time). Reads it from the data (which may block on I/O).
   *
   * @throws IllegalStateException if the data returns another number of bytes than asked (a bug in
   *     its implementation: a short read mid-way would never end the transfer)
   */
  Chunk nextChunk(long maxBytes) {
    if (chunkInFlight) return null;
    int length = (int) Math.min(data.size() - offset, Math.min(maxBytes, Integer.MAX_VALUE - 8));
    byte[] bytes = data.read(offset, length);
    if (bytes.length != length) {
      throw new IllegalStateException(data.getClass().getName() + " read " + bytes.length
          + " bytes at offset " + offset + " of " + data.size() + "; asked for " + length);
    }
    chunkInFlight = true;
    return new Chunk(offset, bytes);
  }

  /** The follower answered a chunk and expects {@code nextOffset} next (capped at the size). */
  void followerExpects(long nextOffset) {
    chunkInFlight = false;
    offset = Math.min(nextOffset, data.size());
  }

  /** The chunk in flight, or its answer, was lost: the next call to {@link #nextChunk} sends it again. */
  void chunkLost() {
    chunkInFlight = false;
  }

  /** Whether {@code lastIndex} (from a follower's answer) names the snapshot sent here. */
  boolean isFor(long lastIndex) {
    return snapshot.lastIndex() == lastIndex;
  }

  /** The transfer ended: the data's files are released. Idempotent. */
  void close() {
    if (closed) return;
    closed = true;
    data.close();
  }

  @Override
  public String toString() {
    return "snapshot@" + snapshot.lastIndex() + "[offset=" + offset + (chunkInFlight ? " in flight]" : "]");
  }
}
