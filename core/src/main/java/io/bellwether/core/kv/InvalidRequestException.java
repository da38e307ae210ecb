package io.bellwether.core.kv;

/**
 * A request breaks one of the key-value store's limits or rules (an empty or oversized key, an
 * oversized value, a scan limit out of range). Thrown before anything is proposed, so the write
 * certainly did not happen. {@link #tooLarge()} tells a size limit (HTTP 413) from other bad input
 * (HTTP 400).
 */
public class InvalidRequestException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final boolean tooLarge;

  private InvalidRequestException(String message, boolean tooLarge) {
    super(message);
    this.tooLarge = tooLarge;
  }

  /** Input that is malformed or out of range, whatever its size. */
  public static InvalidRequestException badInput(String message) {
    return new InvalidRequestException(message, false);
  }

  /** Input over a size limit; the message names the limit and the actual size. */
  public static InvalidRequestException tooLarge(String message) {
    return new InvalidRequestException(message, true);
  }

  /** Whether a size limit was exceeded (as opposed to otherwise bad input). */
  public boolean tooLarge() {
    return tooLarge;
  }
}
