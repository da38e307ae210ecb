package io.bellwether.core.runtime;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.Membership;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * Membership changes asked of this node (add a learner, promote, remove): each is a configuration
 * entry the engine appends, and is answered once this node has applied its index, with the
 * configuration it set. It waits like a write (the same {@link PendingProposals}, the same request
 * timeout), so it is settled the same way: applied here as its own entry, certainly not applied
 * (another leader's entry took the index), or outcome unknown (timeout, a snapshot covered it, the
 * node stopped). Node thread only.
 */
final class MembershipRequests {

  private final RaftEngine engine;
  private final PendingProposals proposals;
  private final RequestDeadlines deadlines;

  MembershipRequests(RaftEngine engine, PendingProposals proposals, RequestDeadlines deadlines) {
    this.engine = engine;
    this.proposals = proposals;
    this.deadlines = deadlines;
  }

  /**
   * Asks the engine for {@code change}, which returns the index of the configuration entry that
   * makes it so (a new one, or the existing one when it already is).
   *
   * @param appliedIndex what this node's state machine has applied
   */
  void change(ToLongFunction<RaftEngine> change, long appliedIndex, CompletableFuture<Membership> done) {
    long index;
    try {
      index = change.applyAsLong(engine);
    } catch (RequestFailedException e) {
      done.completeExceptionally(e);
      return;
    }
    Membership result = engine.membershipAt(index);
    if (index <= appliedIndex) { // already so, and applied here: nothing to wait for
      done.complete(result);
      return;
    }
    deadlines.add(done, true);
    CompletableFuture<Applied> applied = new CompletableFuture<>();
    // Runs on the node thread, where the proposal is settled (or on the caller's, once timed out).
    applied.whenComplete((a, failure) -> {
      if (failure == null) done.complete(result);
      else done.completeExceptionally(failure);
    });
    proposals.add(index, engine.termAt(index), applied);
    done.whenComplete((m, failure) -> {
      if (!applied.isDone()) applied.cancel(false); // timed out: PendingProposals forgets it
    });
  }
}
