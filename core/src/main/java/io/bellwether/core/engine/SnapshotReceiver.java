package io.bellwether.core.engine;

import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.spi.SnapshotSink;
import java.util.zip.CRC32C;

/**
 * A follower's half-received snapshot: chunks are accepted only in order, so the offset received so
 * far is also the offset to ask for next (which makes a broken transfer resumable), and the whole is
 * trusted only if its CRC32C matches what the leader announced.
 *
 * <p>It holds no bytes: each accepted chunk goes straight to a {@link SnapshotSink} (the state
 * machine's, see {@link SnapshotPorts}) and into a running checksum, so a snapshot need not fit in
 * the heap. The sink ends here too: completed once the checksum matches, else aborted.
 */
final class SnapshotReceiver {

  final long lastIndex;
  final long lastTerm;
  final long totalBytes;
  final int checksum;
  private final SnapshotSink sink;
  private final CRC32C crc = new CRC32C();
  private long received;
  private boolean ended;

  /** @param sink where this snapshot's bytes go, owned by this receiver from now on */
  SnapshotReceiver(InstallSnapshot first, SnapshotSink sink) {
    this.lastIndex = first.lastIndex();
    this.lastTerm = first.lastTerm();
    this.totalBytes = first.totalBytes();
    this.checksum = first.checksum();
    this.sink = sink;
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

  /**
   * Writes {@code chunk} to the sink if it is the next one; returns whether it was.
   *
   * @throws io.bellwether.core.spi.StorageException from the sink, which is aborted first
   */
  boolean accept(InstallSnapshot chunk) {
    if (chunk.offset() != received) return false;
    byte[] data = chunk.data();
    try {
      sink.write(data);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
    crc.update(data, 0, data.length);
    received += data.length;
    return true;
  }

  boolean complete() {
    return received == totalBytes;
  }

  /**
   * All bytes arrived: if their checksum matches, the sink makes them durable and this returns the
   * snapshot's local form; else the sink is aborted and this returns null (the transfer starts over).
   *
   * @throws io.bellwether.core.spi.StorageException from the sink, which is aborted first
   */
  byte[] verifiedData() {
    if ((int) crc.getValue() != checksum) {
      abort();
      return null;
    }
    try {
      byte[] local = sink.complete();
      ended = true;
      return local;
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  /** The transfer is abandoned: the sink discards what it was given. Idempotent. */
  void abort() {
    if (ended) return;
    ended = true;
    sink.abort();
  }

  static int checksumOf(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length);
    return (int) crc.getValue();
  }
}
