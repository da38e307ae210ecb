package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;

/**
 * Where a client's request goes in the engine (Raft thesis ch. 6, "client interaction"): a proposal
 * is appended only by the leader, and only while the uncommitted entries stay within their bound; a
 * linearizable read is confirmed by the leader (ReadIndex or lease), forwarded to it by a follower
 * that knows it, and refused by a node that knows no leader. The reads queued in one batch of inputs
 * leave together when the runtime asks for the next Ready: one heartbeat round on a leader, one
 * forwarded request on a follower.
 *
 * <p>Separate from {@link Roles} because none of this changes a role or a term: it only reads them,
 * to decide who answers.
 */
final class ClientRequests {

  private final String id;
  private final Roles roles;
  private final RaftLog log;
  private final RaftConfig config;
  private final Effects effects;

  ClientRequests(String id, Roles roles, RaftLog log, RaftConfig config, Effects effects) {
    this.id = id;
    this.roles = roles;
    this.log = log;
    this.config = config;
    this.effects = effects;
  }

  /** See {@link RaftEngine#propose}. */
  long propose(byte[] command) {
    // Check the role before building the entry: a node that never saw a leader is at term 0, for
    // which no entry can exist (found by the simulation, seed 4).
    Leader leader = leaderOf(roles);
    if (leader.transferee() != null) {
      // Thesis §3.10: no new entries while the target catches up, or it never would.
      throw new RequestFailedException(Reason.NO_LEADER,
          "leadership is being handed to " + leader.transferee() + "; retry shortly");
    }
    if (log.lastIndex() - log.commitIndex() >= config.maxUncommittedEntries()) {
      throw new RequestFailedException(Reason.OVERLOADED,
          "too many uncommitted entries (" + config.maxUncommittedEntries() + "); retry later");
    }
    LogEntry entry = LogEntry.command(roles.term(), log.lastIndex() + 1, command);
    leader.append(entry);
    return entry.index();
  }

  /** See {@link RaftEngine#transferLeadership}. */
  void transferLeadership(String target) {
    if (!log.membership().isVoter(target)) throw new IllegalArgumentException(target + " is not a voter");
    Leader leader = leaderOf(roles);
    if (!target.equals(id)) leader.transferTo(target);
  }

  /** This term's leadership, or the failure that says where to go instead. */
  static Leader leaderOf(Roles roles) {
    Leader leader = roles.leader();
    if (leader != null) return leader;
    String known = roles.leaderId();
    throw known == null
        ? new RequestFailedException(Reason.NO_LEADER, "no leader known")
        : new RequestFailedException(Reason.NOT_LEADER, "not the leader; leader is " + known, known);
  }

  /** See {@link RaftEngine#readIndex}. */
  void readIndex(long requestId) {
    Leader leader = roles.leader();
    if (leader == null && roles.has(InjectedBug.FOLLOWER_READ_WITHOUT_READ_INDEX)) {
      effects.readReady(requestId, 0);
    } else if (leader != null) {
      leader.read(requestId, null);
    } else if (roles.leaderId() != null) {
      // Thesis §6.4.2: a follower asks the leader for a read index; concurrent reads share a request.
      roles.follower().forwardRead(requestId); // sent by sendReads(), with every read queued till then
    } else {
      effects.readFailed(requestId, FailedRead.Cause.NO_LEADER);
    }
  }

  /** See {@link RaftEngine#leaseRead}. */
  void leaseRead(long requestId) {
    Leader leader = roles.leader();
    if (leader != null) {
      leader.leaseRead(requestId);
    } else {
      readIndex(requestId);
    }
  }

  /** Whether reads wait to leave: a heartbeat round on a leader, a forwarded batch on a follower. */
  boolean hasReadsToSend() {
    Leader leader = roles.leader();
    return (leader != null && leader.readRoundNeeded())
        || (roles.isFollowing() && roles.follower().hasReadsToForward());
  }

  /** Sends what {@link #hasReadsToSend} announced: one message for all the reads queued. */
  void sendReads() {
    Leader leader = roles.leader();
    if (leader != null) leader.flushReadRound();
    if (roles.role() == Role.FOLLOWER) {
      roles.follower().sendForwardedReads(roles.now(), roles.leaderId(), roles.term());
    }
  }
}
