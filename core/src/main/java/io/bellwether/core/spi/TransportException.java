package io.bellwether.core.spi;

/** A transport cannot start (for example, it cannot bind its port). Sending never throws this. */
public class TransportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
