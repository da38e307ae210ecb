package io.bellwether.core.runtime;

import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import io.bellwether.core.Membership;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consistent picture of one node, published by its runtime thread after each batch of work.
 *
 * @param leader the leader as this node knows it, or null
 * @param matchIndexes on a leader, each follower's match index; empty elsewhere
 * @param failure why the node stopped on its own (a storage error, a broken invariant), or null
 * @param snapshotIndex index of the newest snapshot the node holds (0 if none)
 * @param snapshotsTaken snapshots this node took since it started
 * @param snapshotsInstalled snapshots this node received from a leader and installed since it started
 * @param snapshotBytes size of the newest snapshot (0 if none): the bytes a follower that needs it
 *     receives ({@code StateMachine.snapshotSize}), for the on-disk key-value state the layer files
 *     it names, not its small manifest
 * @param snapshotsSent snapshot transfers this node started to lagging followers, as leader, since it
 *     started (a transfer resumed after a lost chunk counts once)
 * @param followersShortOfLease on a leader, the followers whose last heartbeat answer said their
 *     promise to refuse votes is shorter than this leader's lease assumes (a different tick length
 *     or election timeout): their acknowledgements do not extend the lease; empty elsewhere
 * @param membership the cluster configuration this node uses (the newest in its log)
 * @param membershipChangePending whether that configuration is not committed yet
 * @param cachedLogBytes bytes of log entries the engine holds in memory ({@link
 *     RaftEngine#cachedLogBytes()}): its bounded cache, and entries not yet persisted
 */
public record NodeStatus(
    String nodeId,
    Role role,
    long term,
    String leader,
    long commitIndex,
    long appliedIndex,
    long firstIndex,
    long lastIndex,
    List<String> voters,
    Map<String, Long> matchIndexes,
    boolean running,
    String failure,
    long snapshotIndex,
    long snapshotsTaken,
    long snapshotsInstalled,
    long snapshotBytes,
    long snapshotsSent,
    Set<String> followersShortOfLease,
    Membership membership,
    boolean membershipChangePending,
    long cachedLogBytes) {

  /** Whether this node is a learner: a member that receives the log but does not vote. */
  public boolean learner() {
    return membership.contains(nodeId) && !membership.isVoter(nodeId);
  }

  /** What {@code engine} and the runtime's other parts say of this node now (node thread only). */
  static NodeStatus of(RaftEngine engine, long appliedIndex, LocalSnapshots snapshots, boolean running,
      String failure) {
    return new NodeStatus(
        engine.id(),
        engine.role(),
        engine.term(),
        engine.leaderId(),
        engine.commitIndex(),
        appliedIndex,
        engine.firstIndex(),
        engine.lastIndex(),
        engine.voters(),
        engine.matchIndexes(),
        running,
        failure,
        snapshots.lastIndex(),
        snapshots.taken(),
        snapshots.installed(),
        snapshots.bytes(),
        snapshots.sent(),
        engine.followersShortOfLease(),
        engine.membership(),
        engine.membershipChangePending(),
        engine.cachedLogBytes());
  }
}
