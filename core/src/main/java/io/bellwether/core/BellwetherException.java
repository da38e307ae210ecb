package io.bellwether.core;

/**
 * Why a request failed, in the one way a client must be able to tell apart: did the write
 * <b>certainly not happen</b> ({@link RequestFailedException}: safe to retry anywhere), or <b>may it
 * have happened</b> ({@link OutcomeUnknownException}: retry only with the same idempotency key, or read
 * to find out)?
 */
public abstract sealed class BellwetherException extends RuntimeException
    permits RequestFailedException, OutcomeUnknownException {

  private static final long serialVersionUID = 1L;

  protected BellwetherException(String message) {
    super(message);
  }

  /** True when the request may have taken effect despite this failure. */
  public abstract boolean mayHaveHappened();
}
