package io.bellwether.core.engine;

/**
 * What this node's elections and leaderships have been: counts that only grow, and the cause or
 * reason of the latest one, for a runtime that reports them (metrics, events, logs). The runtime
 * compares the counts with those it saw after its previous batch, so it needs no callback from the
 * pure engine. Read and written on the node thread only.
 *
 * <p>The cause of an election is decided when the node starts campaigning (its pre-vote included),
 * from why it has no leader: it never had one in this life, its connection to the leader was lost,
 * it stepped down itself for check-quorum, or the leader simply went silent. The reason sticks until
 * a leader is heard from, so a second attempt after a lost pre-vote keeps the first one's cause.
 */
public final class Elections {

  private long started;
  private ElectionCause lastCause;
  private long lastTerm;
  private long stepDowns;
  private StepDownReason lastStepDownReason;
  private long leaderContacts;

  /** Why this node has no leader, or null while it follows or leads one. */
  private ElectionCause whyNoLeader = ElectionCause.STARTUP;

  /** The cause the node campaigns with, decided when its pre-vote (or vote) starts. */
  private ElectionCause campaignCause;

  /** Elections this node started (it became candidate in a new term) since it was created. */
  public long started() {
    return started;
  }

  /** The cause of the latest election this node started, or null if none. */
  public ElectionCause lastCause() {
    return lastCause;
  }

  /** The term of the latest election this node started, or 0 if none. */
  public long lastTerm() {
    return lastTerm;
  }

  /** Times this node stopped leading since it was created. */
  public long stepDowns() {
    return stepDowns;
  }

  /** Why this node last stopped leading, or null if it never did. */
  public StepDownReason lastStepDownReason() {
    return lastStepDownReason;
  }

  /**
   * Messages (AppendEntries, Heartbeat, InstallSnapshot) this node took from a leader of its term
   * since it was created: a runtime that sees this grow knows the leader was heard from in that batch.
   */
  public long leaderContacts() {
    return leaderContacts;
  }

  // ---------------------------------------------------------------- updated by Roles

  void heardFromLeader() {
    leaderContacts++;
    whyNoLeader = null;
  }

  void leaderConnectionLost() {
    if (whyNoLeader == null) whyNoLeader = ElectionCause.LEADER_CONNECTION_LOST;
  }

  /** The election timeout ran out: the campaign about to start has the reason the node lost its leader. */
  void timedOut() {
    campaignCause = whyNoLeader == null ? ElectionCause.LEADER_SILENT : whyNoLeader;
    whyNoLeader = campaignCause;
  }

  /** The leader told this node to campaign at once. */
  void transferred() {
    campaignCause = ElectionCause.TRANSFER;
    whyNoLeader = ElectionCause.TRANSFER;
  }

  /** This node became candidate in {@code term}. */
  void candidate(long term) {
    started++;
    lastTerm = term;
    lastCause = campaignCause == null ? ElectionCause.LEADER_SILENT : campaignCause;
  }

  void steppedDown(StepDownReason reason) {
    stepDowns++;
    lastStepDownReason = reason;
    whyNoLeader = reason == StepDownReason.CHECK_QUORUM ? ElectionCause.CHECK_QUORUM_STEPDOWN : ElectionCause.LEADER_SILENT;
  }
}
