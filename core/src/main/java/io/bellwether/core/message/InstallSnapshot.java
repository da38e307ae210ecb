package io.bellwether.core.message;

import java.util.Arrays;
import java.util.Objects;
import io.bellwether.core.Membership;

/**
 * InstallSnapshot RPC (Raft §7), one chunk at a time: the leader sends a follower whose next entry it
 * has compacted away the state machine snapshot covering everything up to ({@code lastIndex}, {@code
 * lastTerm}). Chunks are sent in order and each waits for its answer (flow control); the follower
 * answers with the offset it expects next, so a transfer resumes where it stopped. The follower
 * installs the snapshot only once all {@code totalBytes} arrived and their CRC32C equals {@code
 * checksum}. Every chunk carries the configuration as of {@code lastIndex} (null for a snapshot stored
 * without one), which the follower adopts with the snapshot.
 */
public record InstallSnapshot(
    String from,
    String to,
    long term,
    long lastIndex,
    long lastTerm,
    long totalBytes,
    int checksum,
    long offset,
    byte[] data,
    Membership membership)
    implements Message {

  /** A chunk of a snapshot without a stored configuration. */
  public InstallSnapshot(String from, String to, long term, long lastIndex, long lastTerm,
      long totalBytes, int checksum, long offset, byte[] data) {
    this(from, to, term, lastIndex, lastTerm, totalBytes, checksum, offset, data, null);
  }

  /**
   * @throws IllegalArgumentException if the chunk lies outside the snapshot, or the configuration
   *     was set after {@code lastIndex} (the follower could not build a {@link
   *     io.bellwether.core.spi.Snapshot} of it; decoding such a frame fails instead)
   */
  public InstallSnapshot {
    Objects.requireNonNull(data, "data");
    if (offset < 0 || totalBytes - offset < data.length) {
      throw new IllegalArgumentException(
          "chunk [" + offset + ", +" + data.length + ") outside snapshot of " + totalBytes + " bytes");
    }
    if (membership != null && membership.index() > lastIndex) {
      throw new IllegalArgumentException(
          "configuration at " + membership.index() + " is past the snapshot's last index " + lastIndex);
    }
  }

  /** Whether this chunk completes the snapshot. */
  public boolean done() {
    return offset + data.length == totalBytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstallSnapshot s
        && s.from.equals(from)
        && s.to.equals(to)
        && s.term == term
        && s.lastIndex == lastIndex
        && s.lastTerm == lastTerm
        && s.totalBytes == totalBytes
        && s.checksum == checksum
        && s.offset == offset
        && Arrays.equals(s.data, data)
        && Objects.equals(s.membership, membership);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, to, term, lastIndex, lastTerm, totalBytes, checksum, offset, membership)
        * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "InstallSnapshot[" + from + "->" + to + " term=" + term + " last=" + lastIndex + "@"
        + lastTerm + " offset=" + offset + "+" + data.length + "/" + totalBytes + "]";
  }
}
