package io.bellwether.testkit.sim;

import io.bellwether.core.Membership;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.runtime.Applied;
import io.bellwether.core.runtime.NodeDriver;
import io.bellwether.core.runtime.QueryResult;
import io.bellwether.core.runtime.ReadConsistency;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * How a simulated client's request reaches a node: at once if it is up, when it resumes if it is
 * paused, refused (certainly not applied) if it is down; and the check that every write answered
 * "certainly not applied" really was not ({@link CertainFailures}).
 */
final class ClientEntry {

  private final SimCluster cluster;
  private final CertainFailures certainFailures = new CertainFailures();

  ClientEntry(SimCluster cluster) {
    this.cluster = cluster;
  }

  void propose(String id, byte[] command, CompletableFuture<Applied> future) {
    submit(id, future, d -> {
      long before = d.engine().lastIndex();
      d.propose(command, future);
      certainFailures.watch(id, d.engine(), before, future);
    });
  }

  void query(String id, byte[] query, CompletableFuture<QueryResult> future) {
    query(id, query, ReadConsistency.LINEARIZABLE, 0, future);
  }

  void query(String id, byte[] query, ReadConsistency consistency, long minIndex,
      CompletableFuture<QueryResult> future) {
    submit(id, future, d -> d.query(query, consistency, minIndex, future));
  }

  /**
   * An operator's membership change reaches {@code id}, which is up; a failure reported as certainly
   * not applied after its configuration entry was appended is checked as a write's is.
   */
  void changeMembership(String id, ToLongFunction<RaftEngine> change, CompletableFuture<Membership> done) {
    cluster.runOn(cluster.node(id), d -> {
      long before = d.engine().lastIndex();
      d.changeMembership(change, done);
      certainFailures.watch(id, d.engine(), before, done);
    });
  }

  /**
   * A client request of its own shape reaches node {@code id}: at once if it is up, on resume if it
   * is paused, refused if it is down ({@code future} fails then).
   */
  void atNode(String id, CompletableFuture<?> future, Consumer<NodeDriver> request) {
    submit(id, future, request);
  }

  /** A client request reaches a node: at once if it is up, on resume if it is paused. */
  private void submit(String id, CompletableFuture<?> future, Consumer<NodeDriver> request) {
    SimNode node = cluster.node(id);
    if (node == null) throw new IllegalArgumentException("no node " + id + " in " + cluster.ids());
    switch (node.state()) {
      case DOWN -> future.completeExceptionally(refused(id));
      case PAUSED -> node.defer(() -> request.accept(node.driver()));
      case UP -> cluster.runOn(node, request);
    }
  }

  /** A request to a dead node never reaches it: certainly not applied. */
  private static RequestFailedException refused(String id) {
    return new RequestFailedException(Reason.SHUTTING_DOWN, id + " is down: connection refused");
  }

  /** After each step, once the invariants have seen its commits. */
  void checkCertainFailures(Invariants invariants, Map<String, SimNode> nodes) {
    certainFailures.check(invariants, nodes);
  }
}
