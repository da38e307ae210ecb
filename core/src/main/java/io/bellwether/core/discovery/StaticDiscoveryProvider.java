package io.bellwether.core.discovery;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.DiscoveryProvider;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import java.util.Map;

/**
 * Discovery provider {@code static}: the peers listed in setting {@value StaticDiscovery#PEERS_SETTING}
 * (see {@link StaticDiscovery#parsePeers}), plus this node. This node's own address is the one it
 * announces, even where the list names it with another, because that is where it actually listens.
 */
public final class StaticDiscoveryProvider implements DiscoveryProvider {

  @Override
  public String name() {
    return "static";
  }

  @Override
  public Discovery create(NodeContext context, PeerAddress self) {
    Map<String, PeerAddress> peers =
        StaticDiscovery.parsePeers(context.settings().getString(StaticDiscovery.PEERS_SETTING, ""));
    peers.put(self.nodeId(), self);
    return new StaticDiscovery(peers);
  }
}
