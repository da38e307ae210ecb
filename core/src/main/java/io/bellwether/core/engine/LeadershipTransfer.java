package io.bellwether.core.engine;

import io.bellwether.core.message.TimeoutNow;

/**
 * A leader handing its leadership to another voter (Raft thesis §3.10), for a planned restart or to
 * move the leader off a busy machine without waiting out an election timeout. While a transfer runs
 * the leader takes no new proposals, so the target can catch up; once the target's log matches the
 * leader's, the leader gives up its lease and sends it {@link TimeoutNow}, and the target campaigns at
 * once. A transfer that has not ended after an election timeout is given up (the target may be down),
 * or its connection is lost, and the leader takes proposals again.
 *
 * <p>Its own class because it has a life of its own inside one leadership: at most one target at a
 * time, a deadline, and the one-way step of giving up the lease.
 */
final class LeadershipTransfer {

  private final String id;
  private final long term;
  private final RaftConfig config;
  private final RaftLog log;
  private final Effects effects;
  private final LogReplicator replication;
  private final ReadConfirmation reads;
  private final boolean keepLease;

  private String target;
  private int elapsed;
  private boolean timeoutNowSent;

  LeadershipTransfer(String id, long term, RaftConfig config, RaftLog log, Effects effects,
      LogReplicator replication, ReadConfirmation reads, java.util.Set<InjectedBug> planted) {
    this.id = id;
    this.term = term;
    this.config = config;
    this.log = log;
    this.effects = effects;
    this.replication = replication;
    this.reads = reads;
    this.keepLease = planted.contains(InjectedBug.TRANSFER_KEEPS_LEASE);
  }

  /**
   * Hands over to {@code peer}, a voter other than this leader. Asking again for the same target
   * changes nothing (its deadline keeps running); asking for another one starts over towards it.
   */
  void start(String peer) {
    if (peer.equals(target)) return;
    target = peer;
    elapsed = 0;
    timeoutNowSent = false;
    maybeSendTimeoutNow();
    if (!timeoutNowSent) replication.sendAppendIfReady(peer);
  }

  /** The voter being handed the leadership, or null when no transfer runs. */
  String target() {
    return target;
  }

  /** One leader tick: a transfer still running after an election timeout is given up. */
  void tick() {
    if (target != null && ++elapsed >= config.electionTimeoutTicks()) target = null;
  }

  /**
   * The transport lost its connection to {@code peer}: if it is the target, the transfer is given up
   * now rather than after an election timeout (a stopping cluster's leader need not wait for a
   * target that is stopping too). The lease stays given up if the TimeoutNow left: it may still land.
   */
  void targetUnreachable(String peer) {
    if (peer.equals(target)) target = null;
  }

  /** {@code peer} acknowledged entries: if it is the target and now up to date, hand over. */
  void replicated(String peer) {
    if (peer.equals(target)) maybeSendTimeoutNow();
  }

  private void maybeSendTimeoutNow() {
    if (timeoutNowSent || replication.matchIndex(target) != log.lastIndex()) return;
    // First the lease, then the message: the target will be elected past its voters' promise not
    // to vote, and that promise is what our lease stood on.
    if (!keepLease) reads.giveUpLease();
    timeoutNowSent = true;
    effects.send(new TimeoutNow(id, target, term));
  }
}
