package io.bellwether.core.engine;

import io.bellwether.core.message.InstallSnapshot;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A follower's half-received snapshot: chunks are accepted only in order, so the offset received so
 * far is also the offset to ask for next (which makes a broken transfer resumable), and the whole is
 * trusted only if its CRC32C matches what the leader announced.
 */
final class SnapshotReceiver {

  /** Largest snapshot a follower accepts: the largest Java array. */
  static final long MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE - 8;

  final long lastIndex;
  final long lastTerm;
  final long totalBytes;
  final int checksum;
  private byte[] buffer;
  private int received;

  SnapshotReceiver(InstallSnapshot first) {
    this.lastIndex = first.lastIndex();
    this.lastTerm = first.lastTerm();
    this.totalBytes = first.totalBytes();
    this.checksum = first.checksum();
    this.buffer = new byte[(int) Math.min(totalBytes, 1 << 20)];
  }

  /** Whether {@code chunk} belongs to the snapshot being received here. */
  boolean isFor(InstallSnapshot chunk) {
    return chunk.lastIndex() == lastIndex
        && chunk.lastTerm() == lastTerm
        && chunk.totalBytes() == totalBytes
        && chunk.checksum() == checksum;
  }

  long received() {
    return received;
  }

  /** Adds {@code chunk} if it is the next one; returns whether it was. */
  boolean accept(InstallSnapshot chunk) {
    if (chunk.offset() != received) return false;
    int needed = received + chunk.data().length;
    if (needed > buffer.length) {
      // Grow by doubling, never past the announced size: the leader's claim bounds the memory.
      buffer = Arrays.copyOf(buffer, (int) Math.min(totalBytes, Math.max(needed, 2L * buffer.length)));
    }
    System.arraycopy(chunk.data(), 0, buffer, received, chunk.data().length);
    received = needed;
    return true;
  }

  boolean complete() {
    return received == totalBytes;
  }

  /** The complete snapshot's bytes if their checksum matches, else null. */
  byte[] verifiedData() {
    byte[] data = buffer.length == received ? buffer : Arrays.copyOf(buffer, received);
    return checksumOf(data) == checksum ? data : null;
  }

  static int checksumOf(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length);
    return (int) crc.getValue();
  }
}
