package io.bellwether.core.runtime;

import java.util.Locale;

/** How fresh a read must be. See the "Reads and consistency levels" table in the README. */
public enum ReadConsistency {
  /**
   * ReadIndex: the leader confirms it is still leader with a heartbeat round, and the serving node
   * (leader or follower) answers once it has applied up to the confirmed commit index. Never stale.
   */
  LINEARIZABLE,
  /**
   * Local state now, on any node: possibly stale. With a {@code minIndex} the node first waits until
   * it has applied that index, which gives read-your-writes to a client that passes the index of its
   * last write.
   */
  STALE;

  /**
   * Parses {@code linearizable} or {@code stale}, ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ReadConsistency parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "consistency must be linearizable or stale, got '" + text + "'");
    }
  }
}
