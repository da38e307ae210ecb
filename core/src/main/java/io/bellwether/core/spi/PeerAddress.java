package io.bellwether.core.spi;

import java.util.Objects;

/**
 * Where one node can be reached: its node-to-node (transport) endpoint and, when it serves one, its
 * HTTP endpoint ({@code null} for an embedded node without HTTP).
 */
public record PeerAddress(String nodeId, Endpoint peer, Endpoint http) {

  public PeerAddress {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(peer, "peer");
  }
}
