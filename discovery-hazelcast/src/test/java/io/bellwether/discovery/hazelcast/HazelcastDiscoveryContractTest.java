package io.bellwether.discovery.hazelcast;

import io.bellwether.testkit.contract.DiscoveryContract;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import java.util.UUID;

// Goal: prove HazelcastDiscovery honours the Discovery contract every discovery module must pass.
// Method: run core's DiscoveryContract against a single embedded member on a free port that seeds itself.
class HazelcastDiscoveryContractTest extends DiscoveryContract {

  private final String clusterName = "contract-" + UUID.randomUUID();

  @Override
  protected Discovery newDiscovery(PeerAddress self) {
    int port = HazelcastMembers.freePort();
    String bind = "127.0.0.1:" + port;
    NodeContext context = new NodeContext("contract", self.nodeId(), null, Settings.empty()
        .with(HazelcastDiscoverySettings.BIND, bind)
        .with(HazelcastDiscoverySettings.SEEDS, bind)
        .with(HazelcastDiscoverySettings.CLUSTER_NAME, clusterName));
    return new HazelcastDiscoveryProvider().create(context, self);
  }
}
