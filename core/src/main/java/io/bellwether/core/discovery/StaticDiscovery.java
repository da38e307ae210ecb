package io.bellwether.core.discovery;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Discovery} whose view is fixed when it is built: addresses never change, so the listener
 * hears once, at start, with the full view. Thread-safe because the view is immutable.
 */
public final class StaticDiscovery implements Discovery {

  /** The setting {@link StaticDiscoveryProvider} reads the peer list from. */
  public static final String PEERS_SETTING = "discovery.static.peers";

  private final Map<String, PeerAddress> peers;
  private boolean started;

  /**
   * A discovery that knows exactly {@code peers} (this node's own address included by the caller).
   *
   * @throws IllegalArgumentException if a key differs from its address's node id
   */
  public StaticDiscovery(Map<String, PeerAddress> peers) {
    peers.forEach((id, address) -> {
      if (!id.equals(address.nodeId())) {
        throw new IllegalArgumentException("peer key " + id + " holds the address of " + address.nodeId());
      }
    });
    this.peers = Map.copyOf(peers);
  }

  /**
   * Parses a peer list {@code n1=host:port@httpHost:httpPort,n2=host:port} (the HTTP part is
   * optional; spaces around parts are ignored; empty text means no peers).
   *
   * @throws IllegalArgumentException naming {@link #PEERS_SETTING} and the bad part, or a duplicate id
   */
  public static Map<String, PeerAddress> parsePeers(String text) {
    Map<String, PeerAddress> peers = new LinkedHashMap<>();
    if (text.isBlank()) return peers;
    for (String rawPart : text.split(",", -1)) {
      PeerAddress address = parsePeer(rawPart.trim());
      if (peers.putIfAbsent(address.nodeId(), address) != null) {
        throw new IllegalArgumentException(
            "setting '" + PEERS_SETTING + "' lists node id '" + address.nodeId() + "' twice");
      }
    }
    return peers;
  }

  /** Calls {@code listener} once, on this thread, with the full view. */
  @Override
  public synchronized void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (started) throw new IllegalStateException("static discovery already started");
    started = true;
    listener.onPeersChanged(peers);
  }

  @Override
  public Optional<PeerAddress> lookup(String nodeId) {
    return Optional.ofNullable(peers.get(nodeId));
  }

  @Override
  public Map<String, PeerAddress> peers() {
    return peers;
  }

  /** Nothing to leave: the view is fixed. Idempotent. */
  @Override
  public void close() {}

  private static PeerAddress parsePeer(String part) {
    int equals = part.indexOf('=');
    if (equals <= 0) throw badPart(part, "expected node=host:port[@httpHost:httpPort]");
    String nodeId = part.substring(0, equals).trim();
    String[] endpoints = part.substring(equals + 1).trim().split("@", -1);
    if (nodeId.isEmpty() || nodeId.chars().anyMatch(Character::isWhitespace)) {
      throw badPart(part, "node id must be non-empty without spaces");
    }
    if (endpoints.length > 2) throw badPart(part, "more than one '@'");
    try {
      Endpoint peer = Endpoint.parse(endpoints[0].trim());
      Endpoint http = endpoints.length == 2 ? Endpoint.parse(endpoints[1].trim()) : null;
      return new PeerAddress(nodeId, peer, http);
    } catch (IllegalArgumentException e) {
      throw badPart(part, e.getMessage());
    }
  }

  private static IllegalArgumentException badPart(String part, String reason) {
    return new IllegalArgumentException(
        "setting '" + PEERS_SETTING + "' has a bad part '" + part + "': " + reason);
  }
}
