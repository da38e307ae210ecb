package io.bellwether.core;

/**
 * The write was proposed but its fate is unknown: it may be committed, now or later, or never. The
 * client should retry with the same idempotency key (applied at most once) or read to find out.
 */
public final class OutcomeUnknownException extends BellwetherException {

  private static final long serialVersionUID = 1L;

  /** Why the outcome is unknown. */
  public enum Reason {
    /** No answer within the request timeout. */
    TIMEOUT,
    /** The node stopped before the entry was known committed or lost. */
    SHUTTING_DOWN,
    /**
     * A snapshot installed from the leader covered the write's index before this node applied it
     * there: the write may or may not be in that state.
     */
    SNAPSHOT_INSTALLED
  }

  private final Reason reason;

  public OutcomeUnknownException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public boolean mayHaveHappened() {
    return true;
  }
}
