package io.bellwether.core.spi;

/**
 * The bytes of a snapshot as sent to a follower (Raft §7), readable by offset without holding them
 * all in the heap. A state machine whose snapshot is stored as a small local form (a manifest naming
 * files, say) exports it as this larger transferred form ({@link StateMachine#exportSnapshot}); the
 * follower's {@link SnapshotSink} turns it back into a local form.
 *
 * <p><b>Threading.</b> Called by the node thread only, one transfer's data never concurrently.
 *
 * <p><b>Life.</b> A leader exports one per transfer to one follower and calls {@link #close()} when
 * that transfer ends (installed, given up, replaced, or the leadership is over). Until then the bytes
 * must stay readable and unchanged, even if the state machine takes a newer snapshot meanwhile.
 */
public interface SnapshotData {

  /** How many bytes there are; the same at every call. */
  long size();

  /**
   * CRC32C of all {@link #size()} bytes, as announced in InstallSnapshot; the follower installs the
   * snapshot only if what it received has this checksum. Must be cheap after the first call (the
   * leader asks once per chunk sent): compute it once, or store it with the data.
   *
   * @throws StorageException if the bytes cannot be read to compute it
   */
  int checksum();

  /**
   * Up to {@code maxBytes} bytes at {@code offset}: exactly {@code min(maxBytes, size() - offset)}
   * of them (fewer only at the end). Node thread; may block on I/O. The caller owns the array.
   *
   * @throws StorageException if the bytes cannot be read
   */
  byte[] read(long offset, int maxBytes);

  /** Releases files held open; idempotent. Default no-op. Must not throw. */
  default void close() {}

  /** In-heap data: {@code bytes} (not copied; the caller must not change them). */
  static SnapshotData of(byte[] bytes) {
    return new HeapSnapshotData(bytes);
  }
}
