package io.bellwether.core.spi;

/**
 * The application replicated by Raft. Every node applies the same committed commands in the same
 * order, so a deterministic state machine ends in the same state everywhere (State Machine Safety).
 *
 * <p><b>Threading.</b> Every method is called by the node's single runtime thread, never concurrently;
 * implementations need no locks for Bellwether's sake.
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

  /** Serialises the whole current state, such that {@link #restore} rebuilds it exactly. */
  byte[] snapshot();

  /**
   * Replaces the whole state with {@code snapshot}, taken after applying up to {@code index}.
   *
   * @throws IllegalArgumentException if the snapshot cannot be decoded (the state is then unchanged)
   */
  void restore(long index, byte[] snapshot);
}
