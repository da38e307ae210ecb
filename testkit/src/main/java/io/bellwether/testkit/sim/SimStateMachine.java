package io.bellwether.testkit.sim;

import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.StateMachine;

/**
 * A node's {@link KvStateMachine}, with every command it applies reported to the {@link Invariants}
 * as it happens: State Machine Safety is checked on what was applied, not on what the log says later
 * (by then a snapshot may have compacted it away).
 */
final class SimStateMachine implements StateMachine {

  private final String node;
  private final KvStateMachine kv = new KvStateMachine();
  private final Invariants invariants;

  SimStateMachine(String node, Invariants invariants) {
    this.node = node;
    this.invariants = invariants;
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    invariants.applied(node, index, command);
    return kv.apply(index, command);
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

  /** See {@link KvStateMachine#stateHash()}. */
  long stateHash() {
    return kv.stateHash();
  }
}
