package io.bellwether.testkit.contract;

import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.discovery.StaticDiscoveryProvider;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;

// Goal: prove StaticDiscovery, as its provider builds it, honours the Discovery contract.
// Method: run the shared suite on a discovery built from a peer list that names two other nodes.
class StaticDiscoveryContractTest extends DiscoveryContract {

  @Override
  protected Discovery newDiscovery(PeerAddress self) {
    Settings settings = Settings.of(java.util.Map.of(
        StaticDiscovery.PEERS_SETTING, "n2=127.0.0.1:7002@127.0.0.1:8002, n3=127.0.0.1:7003"));
    return new StaticDiscoveryProvider().create(new NodeContext("test", self.nodeId(), null, settings), self);
  }
}
