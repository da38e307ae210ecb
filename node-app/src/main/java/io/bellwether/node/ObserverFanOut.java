package io.bellwether.node;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Role;
import io.bellwether.core.engine.StepDownReason;
import io.bellwether.core.runtime.NodeObserver;
import java.util.List;

/**
 * A Raft node takes one {@link NodeObserver}; this one hands every event to each of several in turn
 * (metrics, the event log, and the discovery that follows the configuration), on the node thread
 * like any observer.
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

  @Override
  public void electionStarted(long term, ElectionCause cause) {
    for (NodeObserver o : observers) o.electionStarted(term, cause);
  }

  @Override
  public void leaderFound(long term, String leader, String previousLeader, long leaderlessNanos,
      ElectionCause cause) {
    for (NodeObserver o : observers) o.leaderFound(term, leader, previousLeader, leaderlessNanos, cause);
  }

  @Override
  public void steppedDown(long term, StepDownReason reason) {
    for (NodeObserver o : observers) o.steppedDown(term, reason);
  }

  @Override
  public void snapshotTaken(long index, long bytes) {
    for (NodeObserver o : observers) o.snapshotTaken(index, bytes);
  }

  @Override
  public void snapshotInstalled(long index, String leader) {
    for (NodeObserver o : observers) o.snapshotInstalled(index, leader);
  }

  @Override
  public void snapshotSent(String follower, long index) {
    for (NodeObserver o : observers) o.snapshotSent(follower, index);
  }
}
