package io.bellwether.testkit.sim;

import io.bellwether.core.kv.KvStateListener;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvStorage;
import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StateMachine;

/**
 * A node's {@link KvStateMachine}, with every command it applies reported to the {@link Invariants}
 * as it happens: State Machine Safety is checked on what was applied, not on what the log says later
 * (by then a snapshot may have compacted it away).
 */
final class SimStateMachine implements StateMachine {

  private final String node;
  private final KvStateMachine kv;
  private final Invariants invariants;
  private final LeaseExpiryCheck leaseCheck;

  /**
   * @param leaseCheck told of every lease command applied, or null when the run has no leases
   * @param storage where the machine keeps its keys (in memory, or on disk for the runs that check
   *     the on-disk state)
   */
  SimStateMachine(String node, Invariants invariants, LeaseExpiryCheck leaseCheck, KvStorage storage) {
    this.node = node;
    this.kv = new KvStateMachine(storage, KvStateMachine.DEFAULT_IDEMPOTENCY_RETENTION_MILLIS,
        KvStateMachine.DEFAULT_IDEMPOTENCY_MAX_RECORDS);
    this.invariants = invariants;
    this.leaseCheck = leaseCheck;
  }

  /** See {@link KvStateMachine#addListener}. */
  void addListener(KvStateListener listener) {
    kv.addListener(listener);
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    invariants.applied(node, index, command);
    byte[] result = kv.apply(index, command);
    if (leaseCheck != null) leaseCheck.applied(index, command, result);
    return result;
  }

  @Override
  public byte[] query(byte[] query) {
    return kv.query(query);
  }

  @Override
  public byte[] snapshot() {
    return kv.snapshot();
  }

  @Override
  public void restore(long index, byte[] snapshot) {
    kv.restore(index, snapshot);
  }

  @Override
  public SnapshotCapture captureSnapshot() {
    return kv.captureSnapshot();
  }

  @Override
  public SnapshotData exportSnapshot(long lastIndex, byte[] localData) {
    return kv.exportSnapshot(lastIndex, localData);
  }

  @Override
  public SnapshotSink receiveSnapshot(long lastIndex, long totalBytes) {
    return kv.receiveSnapshot(lastIndex, totalBytes);
  }

  /** The node died or stopped: see {@link KvStateMachine#close()}. */
  void close() {
    kv.close();
  }

  /** See {@link KvStateMachine#leaseCount()}. */
  int leaseCount() {
    return kv.leaseCount();
  }

  /** See {@link KvStateMachine#stateHash()}. */
  long stateHash() {
    return kv.stateHash();
  }
}
