package io.bellwether.core.spi;

/**
 * The application replicated by Raft. Every node applies the same committed commands in the same
 * order, so a deterministic state machine ends in the same state everywhere (State Machine Safety).
 *
 * <p><b>Threading.</b> Every method is called by the node's single runtime thread, never concurrently;
 * implementations need no locks for Bellwether's sake. The one exception is {@link
 * SnapshotCapture#write()} of a {@link #captureSnapshot capture}, which runs on the snapshot writer
 * thread while the node thread goes on applying and querying.
 *
 * <p><b>Snapshots</b> (Raft §7) have two forms. The <em>local</em> form is what {@link
 * #captureSnapshot} writes, what the {@link LogStore} stores in a {@link Snapshot} and what {@link
 * #restore} takes; the <em>transferred</em> form is what a leader sends a follower that needs it
 * ({@link #exportSnapshot}) and what the follower writes as it arrives ({@link #receiveSnapshot}),
 * turning it back into a local form. By default both are the bytes of {@link #snapshot()}, held in
 * the heap; a state machine whose state lives on disk overrides the three so that a local form may
 * be a small manifest naming immutable files, and the transferred form a stream of those files that
 * is never held whole in memory.
 *
 * <p><b>Errors.</b> {@link #apply} must not throw for a command it rejects (a failed precondition, a
 * malformed command): it encodes the rejection in its result, because every node must reach the same
 * outcome. An exception from any method is treated as a bug: the node stops rather than diverge.
 */
public interface StateMachine {

  /**
   * Applies the command committed at log {@code index}. Deterministic: the result and the new state
   * depend only on the current state, {@code index} and {@code command}: never on clocks, randomness
   * or the node. Called once per index, in increasing order.
   *
   * @return the result handed to the client that proposed the command (may be empty, never null)
   */
  byte[] apply(long index, byte[] command);

  /**
   * Answers a read-only {@code query} from the current state. Must not change state. The runtime calls
   * it only when the requested consistency level has been met.
   *
   * @throws IllegalArgumentException if the query is malformed (the caller gets a clear error)
   */
  byte[] query(byte[] query);

  /**
   * Serialises the whole current state, such that {@link #restore} rebuilds it exactly: the local
   * form of a snapshot. Used by the default {@link #captureSnapshot}; the returned array must not
   * change afterwards (a value, not a view).
   */
  byte[] snapshot();

  /**
   * Captures the current state for a snapshot: called on the node thread between batches, so the
   * state is exactly that after the last entry applied. It must return quickly, freezing only what
   * {@link SnapshotCapture#write()} needs (a copy, a copy-on-write view, a list of immutable files):
   * the slow part, writing the data out, then runs on the snapshot writer thread while this machine
   * goes on applying. At most one capture is being written at a time.
   *
   * <p>By default it serialises the state here with {@link #snapshot()}, and the write only hands
   * those bytes over.
   *
   * @throws RuntimeException a failure, which stops the node
   */
  default SnapshotCapture captureSnapshot() {
    byte[] data = snapshot();
    return () -> data;
  }

  /**
   * The transferred form of the snapshot ending at {@code lastIndex}, whose local form is {@code
   * localData}, for a leader to send to a follower that needs it. Called on the node thread once per
   * transfer to one follower; the leader reads it chunk by chunk and {@link SnapshotData#close()
   * closes} it when the transfer ends. It may block on I/O to open what the local form names; what it
   * returns must stay readable until closed, even once a newer snapshot replaced this one.
   *
   * <p>By default the transferred form is the local form, in the heap.
   *
   * @throws StorageException if what the local form names cannot be opened (the node stops)
   */
  default SnapshotData exportSnapshot(long lastIndex, byte[] localData) {
    return SnapshotData.of(localData);
  }

  /**
   * The size of the snapshot whose local form is {@code localData}, in bytes of its transferred form
   * (what {@link #exportSnapshot} would send a follower): the size a node reports in its status and
   * metrics. Called on the node thread after each snapshot taken or installed, and at start: it must
   * be cheap (nothing opened or read beyond {@code localData}) and must not throw for a local form
   * this machine wrote or received. By default the local form's length, as it is also the
   * transferred form.
   */
  default long snapshotSize(byte[] localData) {
    return localData.length;
  }

  /**
   * Where this follower writes the snapshot ending at {@code lastIndex} that the leader sends, in
   * its transferred form of {@code totalBytes} bytes (the leader's claim: the sink must never
   * receive more). Called on the node thread when the first chunk arrives; the sink gets every chunk
   * in order and then {@link SnapshotSink#complete()}, which returns the local form to {@link
   * #restore}, or {@link SnapshotSink#abort()}. At most one sink is open at a time: the previous one
   * was completed or aborted first. It must not change this machine's state: only {@link #restore}
   * does, after the snapshot is stored.
   *
   * <p>By default a {@link HeapSnapshotSink}: the snapshot is gathered in one array.
   *
   * @throws IllegalArgumentException if this machine cannot take a snapshot of {@code totalBytes}
   *     (beyond the largest array, for the default): the chunk goes unanswered, and the leader sends
   *     it again at a later heartbeat
   * @throws StorageException if there is nowhere to write it (the node stops)
   */
  default SnapshotSink receiveSnapshot(long lastIndex, long totalBytes) {
    return new HeapSnapshotSink(totalBytes);
  }

  /**
   * Replaces the whole state with {@code snapshot}, taken after applying up to {@code index}: a
   * local form, as {@link #captureSnapshot} wrote it or a {@link SnapshotSink#complete()} returned it.
   *
   * @throws IllegalArgumentException if the snapshot cannot be decoded (the state is then unchanged)
   */
  void restore(long index, byte[] snapshot);
}
