package io.bellwether.discovery.hazelcast;

import com.hazelcast.cluster.Member;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a node's {@link PeerAddress} travels as Hazelcast member attributes. The node id, not the
 * member UUID, names a node: the UUID changes every time a member restarts.
 */
final class MemberAttributes {

  static final String NODE_ID = "bellwether.nodeId";
  static final String PEER = "bellwether.peer";
  static final String HTTP = "bellwether.http";

  private MemberAttributes() {}

  /** The attributes announcing {@code address}; the HTTP one only when the node serves HTTP. */
  static Map<String, String> encode(PeerAddress address) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(NODE_ID, address.nodeId());
    attributes.put(PEER, address.peer().toString());
    if (address.http() != null) attributes.put(HTTP, address.http().toString());
    return attributes;
  }

  /**
   * The address {@code member} announces, or empty when it announces none or a malformed one (a
   * member that is not a Bellwether node, or a different version of it).
   */
  static Optional<PeerAddress> decode(Member member) {
    String nodeId = member.getAttribute(NODE_ID);
    String peer = member.getAttribute(PEER);
    if (nodeId == null || nodeId.isEmpty() || peer == null) return Optional.empty();
    try {
      String http = member.getAttribute(HTTP);
      return Optional.of(new PeerAddress(nodeId, Endpoint.parse(peer), http == null ? null : Endpoint.parse(http)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
