package io.bellwether.discovery.hazelcast;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.DiscoveryProvider;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;

/**
 * Discovery provider {@code hazelcast}: an embedded Hazelcast member configured from the
 * {@code discovery.hazelcast.*} settings (see {@link HazelcastDiscoverySettings}).
 */
public final class HazelcastDiscoveryProvider implements DiscoveryProvider {

  @Override
  public String name() {
    return "hazelcast";
  }

  /** @throws IllegalArgumentException naming the setting when a {@code discovery.hazelcast.*} setting is invalid */
  @Override
  public Discovery create(NodeContext context, PeerAddress self) {
    if (!context.nodeId().equals(self.nodeId())) {
      throw new IllegalArgumentException(
          "announced address is for node " + self.nodeId() + " but this node is " + context.nodeId());
    }
    return new HazelcastDiscovery(HazelcastDiscoverySettings.from(context), self);
  }
}
