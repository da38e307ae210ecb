package io.bellwether.core.engine;

/**
 * A linearizable read the engine could not confirm, and why. The runtime must fail it, never serve it
 * from local state. The cause is recorded where the read fails, because by the time the runtime
 * answers, the node's state may say something else (a leader may be known again, say).
 */
public record FailedRead(long requestId, Cause cause) {

  /** Why a read could not be confirmed. */
  public enum Cause {
    /** No leader was known when the read arrived. */
    NO_LEADER,
    /** This node led when the read arrived and lost its leadership before confirming it. */
    LEADERSHIP_LOST,
    /** The read was forwarded to a leader that was replaced or forgotten before it answered. */
    LEADER_CHANGED,
    /** The leader the read was forwarded to could not confirm it: it no longer led. */
    LEADER_REFUSED
  }
}
