package io.bellwether.testkit.contract;

import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.inmem.InMemoryTransport;
import io.bellwether.core.spi.Transport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

// Goal: prove InMemoryTransport honours the Transport contract.
// Method: run the shared suite on a fresh, fault-free InMemoryNetwork per test.
class InMemoryTransportContractTest extends TransportContract {

  private final InMemoryNetwork network = new InMemoryNetwork();

  @Override
  protected List<Transport> newCluster(List<String> nodeIds) {
    return nodeIds.stream().<Transport>map(network::transport).toList();
  }

  @AfterEach
  void closeNetwork() {
    network.close();
  }
}
