package io.bellwether.core.spi;

import java.util.Arrays;

/**
 * The default {@link SnapshotSink} ({@link StateMachine#receiveSnapshot}): gathers the chunks in one
 * array, whose {@link #complete()} returns them as they are (local and transferred forms are the same
 * bytes). It grows as chunks arrive, never past the announced size, so a leader's claim bounds the
 * memory; a size beyond the largest Java array is refused at once.
 */
public final class HeapSnapshotSink implements SnapshotSink {

  /** Largest snapshot this sink takes: the largest Java array. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private final long totalBytes;
  private byte[] buffer;
  private int received;

  /**
   * @param totalBytes the size the leader announced
   * @throws IllegalArgumentException if {@code totalBytes} is negative or beyond {@link #MAX_BYTES}
   */
  public HeapSnapshotSink(long totalBytes) {
    if (totalBytes < 0 || totalBytes > MAX_BYTES) {
      throw new IllegalArgumentException("a snapshot of " + totalBytes
          + " bytes does not fit in the heap (at most " + MAX_BYTES + "); give the state machine a"
          + " receiveSnapshot that writes elsewhere");
    }
    this.totalBytes = totalBytes;
    this.buffer = new byte[(int) Math.min(totalBytes, 1 << 20)];
  }

  /**
   * @throws IllegalArgumentException past the announced size
   * @throws IllegalStateException after {@link #complete} or {@link #abort}
   */
  @Override
  public void write(byte[] chunk) {
    if (buffer == null) throw new IllegalStateException("sink already completed or aborted");
    long needed = (long) received + chunk.length;
    if (needed > totalBytes) {
      throw new IllegalArgumentException(
          "chunk ends at byte " + needed + ", past the announced " + totalBytes);
    }
    if (needed > buffer.length) {
      // Grow by doubling, never past the announced size.
      buffer = Arrays.copyOf(buffer, (int) Math.min(totalBytes, Math.max(needed, 2L * buffer.length)));
    }
    System.arraycopy(chunk, 0, buffer, received, chunk.length);
    received = (int) needed;
  }

  @Override
  public byte[] complete() {
    if (buffer == null) throw new IllegalStateException("sink already completed or aborted");
    byte[] data = buffer.length == received ? buffer : Arrays.copyOf(buffer, received);
    buffer = null;
    return data;
  }

  @Override
  public void abort() {
    buffer = null;
  }

  /** Bytes written so far. */
  public long received() {
    return received;
  }
}
