package io.bellwether.transport.vertx;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test {@link Discovery} whose view tests change: transports bind port 0, then their real address is
 * published here. Every started listener hears each change, like a real discovery would tell a node.
 */
final class MutableDiscovery implements Discovery {

  private final Map<String, PeerAddress> peers = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public void start(Listener listener) {
    listeners.add(listener);
    listener.onPeersChanged(peers());
  }

  void publish(String nodeId, Endpoint endpoint) {
    peers.put(nodeId, new PeerAddress(nodeId, endpoint, null));
    Map<String, PeerAddress> view = peers();
    listeners.forEach(l -> l.onPeersChanged(view));
  }

  @Override
  public Optional<PeerAddress> lookup(String nodeId) {
    return Optional.ofNullable(peers.get(nodeId));
  }

  @Override
  public Map<String, PeerAddress> peers() {
    return Map.copyOf(peers);
  }

  @Override
  public void close() {}
}
