package io.bellwether.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One member of the cluster's configuration (thesis §4): its node id, whether it votes, and where it
 * can be reached. A <em>voter</em> counts toward every majority (elections, commitment, reads); a
 * <em>learner</em> receives the log and serves reads but never votes and never counts.
 *
 * <p>The addresses travel with the configuration through the log, so a node added while the
 * cluster runs can be reached by every member without a discovery system. They are {@code
 * host:port} text, as {@link io.bellwether.core.spi.Endpoint#parse} reads it; either may be {@code
 * null} when the node is embedded without a network address (in-memory clusters) or serves no HTTP.
 *
 * @param id the node id: 1 to 255 bytes of UTF-8, no control characters
 * @param voter whether it votes (else it is a learner)
 * @param peer its node-to-node (transport) address, or null
 * @param http its HTTP address, or null
 */
public record Member(String id, boolean voter, String peer, String http) {

  public Member {
    requireText(id, "member id");
    if (peer != null) requireText(peer, "peer address");
    if (http != null) requireText(http, "http address");
  }

  private static void requireText(String text, String what) {
    Objects.requireNonNull(text, what);
    if (text.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
    if (text.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException(what + " longer than 255 bytes");
    }
    if (text.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw new IllegalArgumentException(what + " contains a space or control character");
    }
  }

  /** A voter with no known endpoints (the in-memory and test clusters). */
  public static Member voter(String id) {
    return new Member(id, true, null, null);
  }

  /** A learner at the given addresses. */
  public static Member learner(String id, String peer, String http) {
    return new Member(id, false, peer, http);
  }

  /** The same node as a voter. */
  public Member asVoter() {
    return new Member(id, true, peer, http);
  }

  /** Whether {@code other} names the same node at the same addresses (whatever either's vote). */
  public boolean sameNodeAs(Member other) {
    return id.equals(other.id) && Objects.equals(peer, other.peer) && Objects.equals(http, other.http);
  }
}
