package io.bellwether.core;

/**
 * The request certainly did not take effect. Safe to retry, possibly elsewhere ({@link #leaderHint()}).
 */
public final class RequestFailedException extends BellwetherException {

  private static final long serialVersionUID = 1L;

  /** Why the request was turned away. */
  public enum Reason {
    /** This node is not the leader; {@link #leaderHint()} names the leader when known. */
    NOT_LEADER,
    /** No leader is known (an election is under way, or this node is cut off). */
    NO_LEADER,
    /** A bound was hit (inbox, pending proposals, uncommitted entries). Retry after a pause. */
    OVERLOADED,
    /** The request itself is invalid (bad key, malformed command or query). */
    INVALID_REQUEST,
    /** A key or value is over its size limit. */
    TOO_LARGE,
    /** The node is not running: stopping, stopped, or not started yet. */
    SHUTTING_DOWN,
    /**
     * A linearizable read could not be confirmed: no leader was known, the leader lost or changed
     * its leadership, or the request timed out (the message says which). Nothing stale was returned.
     */
    READ_UNAVAILABLE,
    /**
     * A membership change was refused because another one has not committed yet, or because the
     * leader has not yet committed an entry of its own term (either way, retry shortly).
     */
    CHANGE_IN_PROGRESS,
    /** A learner is too far behind the leader to be promoted; the message gives its lag. */
    NOT_CAUGHT_UP,
    /** Another node is already a member under the same id. */
    CONFLICT,
    /** The node named is not a member of the cluster. */
    NOT_A_MEMBER,
    /** The change would leave the cluster without a voter. */
    LAST_VOTER,
    /**
     * A change of voters was refused because a majority of the voters after it has not answered
     * the leader recently: the cluster would stop committing the moment the change was appended.
     */
    QUORUM_AT_RISK
  }

  private final Reason reason;
  private final String leaderHint;

  public RequestFailedException(Reason reason, String message) {
    this(reason, message, null);
  }

  public RequestFailedException(Reason reason, String message, String leaderHint) {
    super(message);
    this.reason = reason;
    this.leaderHint = leaderHint;
  }

  public Reason reason() {
    return reason;
  }

  /** The leader's node id when this node knows it, else {@code null}. */
  public String leaderHint() {
    return leaderHint;
  }

  @Override
  public boolean mayHaveHappened() {
    return false;
  }
}
