package io.bellwether.core.spi;

/**
 * Where a follower writes a snapshot it receives from the leader (Raft §7), chunk by chunk, in
 * order, so that the engine never holds the whole of it. Made by {@link
 * StateMachine#receiveSnapshot} for one transfer; ends with exactly one {@link #complete()}, or with
 * {@link #abort()}.
 *
 * <p><b>Threading.</b> Called by the node thread only; every method may block on I/O.
 */
public interface SnapshotSink {

  /**
   * The next bytes of the snapshot, in order: the first call has the bytes at offset 0, each next
   * one those that follow. Never more in total than the size announced to {@link
   * StateMachine#receiveSnapshot}. The sink may keep {@code chunk} (the caller does not reuse it).
   *
   * @throws StorageException if they cannot be written (the node stops; the caller aborts the sink
   *     first)
   */
  void write(byte[] chunk);

  /**
   * All bytes arrived and their CRC32C matched the announced one (the caller checked): makes what was
   * written durable and returns the <em>local</em> form of the snapshot data, what {@link
   * StateMachine#restore} takes and the {@link LogStore} stores. The runtime saves and restores that
   * snapshot next; if the node crashes first, what was made durable here belongs to no stored
   * snapshot, and the state machine may delete it when it starts.
   *
   * @throws StorageException if it cannot be made durable (the node stops; the caller aborts the
   *     sink first)
   */
  byte[] complete();

  /**
   * The transfer was abandoned (a bad checksum, a newer snapshot, a leader or term change, the node
   * stopping): discard what was written. Idempotent; also called after a failed {@link #write} or
   * {@link #complete}. Must not throw.
   */
  void abort();
}
