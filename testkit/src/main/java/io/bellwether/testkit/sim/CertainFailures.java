package io.bellwether.testkit.sim;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.RaftEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Checks the promise behind "certainly not applied": a write reported so after its entry was
 * appended must have lost its index to another entry that is committed there. Nothing else proves its
 * own entry can never commit (a copy may survive on another node, the Figure 8 shape).
 */
final class CertainFailures {

  /** A write reported certainly not applied: the node that appended it, its index and its term. */
  private record Failure(String node, long index, long term) {}

  /** Still to check: reported in this step, or waiting for their index's commit. */
  private final List<Failure> pending = new ArrayList<>();

  /**
   * Watches a proposal {@code node} just handled: if it appended an entry (its last index moved past
   * {@code lastIndexBefore}) and the answer later says certainly not applied, that entry is checked.
   */
  void watch(String node, RaftEngine engine, long lastIndexBefore, CompletableFuture<?> future) {
    if (engine.lastIndex() <= lastIndexBefore || future.isDone()) return;
    Failure at = new Failure(node, engine.lastIndex(), engine.term());
    future.whenComplete((applied, error) -> {
      if (error instanceof RequestFailedException) pending.add(at);
    });
  }

  /** Checks what is pending, after a step, once the invariants have seen the commits it made. */
  void check(Invariants invariants, Map<String, SimNode> nodes) {
    for (var it = pending.iterator(); it.hasNext(); ) {
      Failure f = it.next();
      long committedTerm = invariants.committedTermAt(f.index());
      if (committedTerm == -1 && nodes.get(f.node()).state() == SimNode.State.DOWN) {
        // The node applied the index (that is how a correct runtime learns the answer) and died in
        // the same step, before any check saw its commit: decide once some node commits the index.
        continue;
      }
      if (committedTerm == -1 || committedTerm == f.term()) {
        throw new SimFailure("a write " + f.node() + " appended at index " + f.index() + " in term "
            + f.term() + " was reported certainly not applied, but "
            + (committedTerm == -1 ? "no entry is known committed there yet" : "it was committed"));
      }
      it.remove();
    }
  }
}
