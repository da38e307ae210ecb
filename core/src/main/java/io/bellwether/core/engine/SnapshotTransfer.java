package io.bellwether.core.engine;

import io.bellwether.core.spi.Snapshot;
import java.util.Arrays;

/**
 * One snapshot on its way to one follower (Raft §7), in chunks, with at most one chunk unanswered
 * (flow control: a follower that stalls costs one chunk of bandwidth, not the whole snapshot).
 *
 * <p>The follower accepts chunks only in order and answers with the offset it expects next, so this
 * transfer always resumes from the follower's answer: a lost chunk or a lost answer is sent again,
 * never skipped. It keeps the snapshot it started with even if the leader takes a newer one
 * meanwhile, since the follower's half-received bytes belong to this one.
 *
 * <p>Its own type because the progress of a transfer (offset, a chunk in flight) is a state machine
 * of its own beside the replication of entries, and mixing its fields into {@link Progress} let the
 * leader change them directly from three places.
 */
final class SnapshotTransfer {

  /** One chunk to send: {@code data} starts at byte {@code offset} of the snapshot. */
  record Chunk(int offset, byte[] data) {}

  private final Snapshot snapshot;
  private long offset;
  private boolean chunkInFlight;

  SnapshotTransfer(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  Snapshot snapshot() {
    return snapshot;
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
   * still unanswered (one at a time).
   */
  Chunk nextChunk(long maxBytes) {
    if (chunkInFlight) return null;
    byte[] data = snapshot.data();
    int from = (int) offset;
    int length = (int) Math.min(data.length - from, maxBytes);
    chunkInFlight = true;
    return new Chunk(from, Arrays.copyOfRange(data, from, from + length));
  }

  /** The follower answered a chunk and expects {@code nextOffset} next (capped at the size). */
  void followerExpects(long nextOffset) {
    chunkInFlight = false;
    offset = Math.min(nextOffset, snapshot.data().length);
  }

  /** The chunk in flight, or its answer, was lost: the next call to {@link #nextChunk} sends it again. */
  void chunkLost() {
    chunkInFlight = false;
  }

  /** Whether {@code lastIndex} (from a follower's answer) names the snapshot sent here. */
  boolean isFor(long lastIndex) {
    return snapshot.lastIndex() == lastIndex;
  }

  @Override
  public String toString() {
    return "snapshot@" + snapshot.lastIndex() + "[offset=" + offset + (chunkInFlight ? " in flight]" : "]");
  }
}
