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
   * Served by the leader under its lease, with no round trip: linearizable as long as clocks on the
   * nodes advance at rates within 20% of each other over an election timeout (see {@code
   * docs/ARCHITECTURE.md}). When the lease cannot be confirmed, or on a follower, it falls back to
   * {@link #LINEARIZABLE}, never to anything weaker.
   */
  LEASE,
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
          "consistency must be linearizable, lease or stale, got '" + text + "'");
    }
  }
}
