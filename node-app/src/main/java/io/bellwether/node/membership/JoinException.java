package io.bellwether.node.membership;

/** A node started to join a running cluster could not be added to it; the message says why. */
public final class JoinException extends Exception {

  private static final long serialVersionUID = 1L;

  public JoinException(String message) {
    super(message);
  }
}
