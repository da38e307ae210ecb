package io.bellwether.node;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeObserver;
import java.util.List;

/**
 * A Raft node takes one {@link NodeObserver}; this one hands every event to each of several in turn
 * (metrics, and the discovery that follows the configuration), on the node thread like any observer.
 */
final class ObserverFanOut implements NodeObserver {

  private final List<NodeObserver> observers;

  ObserverFanOut(NodeObserver... observers) {
    this.observers = List.of(observers);
  }

  @Override
  public void synced(long durationNanos, int entries) {
    for (NodeObserver o : observers) o.synced(durationNanos, entries);
  }

  @Override
  public void roleChanged(Role role, long term, String leader) {
    for (NodeObserver o : observers) o.roleChanged(role, term, leader);
  }

  @Override
  public void membershipChanged(Membership membership) {
    for (NodeObserver o : observers) o.membershipChanged(membership);
  }
}
