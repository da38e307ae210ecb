package io.bellwether.client;

import java.net.URI;

/**
 * A request of {@link BellwetherClient} that did not succeed. Unchecked: every method of the client
 * may throw one. The subclass says what is known about the effect:
 *
 * <ul>
 *   <li>{@link NotAppliedException}: certainly no effect (a write that did not happen, a failed read);
 *   <li>{@link OutcomeUnknownException}: a write that may or may not have happened.
 * </ul>
 *
 * <p>{@link #status()}, {@link #code()} and {@link #serverMessage()} describe the last answer, when
 * there was one.
 */
public abstract class BellwetherClientException extends RuntimeException {

  private final int status;
  private final String code;
  private final String serverMessage;
  private final URI endpoint;

  BellwetherClientException(String message, int status, String code, String serverMessage, URI endpoint, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
    this.endpoint = endpoint;
  }

  /** The HTTP status of the last answer; 0 when no answer came (connection refused, timeout...). */
  public int status() {
    return status;
  }

  /** The API's error code of the last answer ({@code NO_LEADER}, {@code FORBIDDEN}...), or null. */
  public String code() {
    return code;
  }

  /**
   * The last answer's {@code message} when it was the API's JSON error; otherwise the start of its
   * body as text (a proxy's page); null when no answer came.
   */
  public String serverMessage() {
    return serverMessage;
  }

  /** The node the last attempt went to, or null if none was tried. */
  public URI endpoint() {
    return endpoint;
  }
}
