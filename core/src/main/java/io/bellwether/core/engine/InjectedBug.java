package io.bellwether.core.engine;

/**
 * Deliberate bugs, switched on only by tests, to prove that the simulation and its checkers catch
 * real safety violations. A checker that never fails proves nothing. Only the test kit can plant
 * one, through package-private seams of {@code RaftEngine} and {@code NodeDriver}: no configuration,
 * setting or public method of a shipped class switches one on.
 */
public enum InjectedBug {
  /** The leader commits an index held by a minority only. */
  COMMIT_ON_MINORITY,
  /** A node grants a second vote in a term it already voted in. */
  DOUBLE_VOTE,
  /** ReadIndex answers without confirming leadership with a heartbeat round. */
  READ_WITHOUT_QUORUM,
  /** A follower answers a linearizable read from its local state, without asking for a read index. */
  FOLLOWER_READ_WITHOUT_READ_INDEX,
  /** The leader commits entries of earlier terms by counting replicas (ignores §5.4.2). */
  SKIP_CURRENT_TERM_COMMIT_RULE,
  /**
   * The leader answers lease reads for as long as it believes it leads, without checking that its
   * lease is still in force: the "leader-local read" that served stale data from deposed leaders in
   * real systems. Only check-quorum, an election timeout or two later, ends it.
   */
  LEASE_NOT_CHECKED,
  /**
   * A follower keeps its promise not to vote only while its leader field names a leader, as before
   * the fix: a term change that comes with no leader (a rejected pre-vote carrying a higher term)
   * ends the promise at once, so a new leader can be elected inside the old leader's lease.
   */
  VOTE_PROMISE_NEEDS_LEADER_FIELD,
  /**
   * Runtime: a pending proposal whose index this node's log gives to a newer entry is reported as
   * certainly not applied, although the entry it had may survive on another node and commit.
   */
  REPLACED_PROPOSAL_NOT_APPLIED,
  /**
   * Runtime: votes and append acknowledgements leave before the sync that makes what they promise
   * durable; a crash in between breaks the promise (a second vote in a term, a lost acked entry).
   */
  SEND_BEFORE_SYNC,
  /**
   * A leader that hands its leadership over (TimeoutNow) keeps serving lease reads: the target is
   * elected past its voters' promise not to vote, so the old lease no longer stands for anything.
   */
  TRANSFER_KEEPS_LEASE,
  /**
   * A configuration takes effect when committed rather than when appended: a node counts votes and
   * commitment under an older configuration than its log holds, so two majorities of different
   * configurations need not overlap.
   */
  CONFIG_ON_COMMIT,
  /**
   * A leader starts a configuration change while the previous one is not committed yet, so the
   * configurations in flight may differ by two voters and have disjoint majorities.
   */
  TWO_CHANGES_IN_FLIGHT,
  /**
   * A new leader changes the configuration before it committed an entry of its own term (the bug
   * found in the thesis' single-server algorithm in 2015).
   */
  CHANGE_BEFORE_TERM_COMMIT
}
