package io.bellwether.transport.vertx;

import io.bellwether.testkit.contract.TransportContract;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Transport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

// Goal: prove VertxTransport honours core's Transport contract over real TCP on loopback.
// Method: transports bind ephemeral ports; each publishes its real address in discovery as it starts.
class VertxTransportContractTest extends TransportContract {

  private final TestNodes nodes = new TestNodes();

  @Override
  protected List<Transport> newCluster(List<String> nodeIds) {
    return nodeIds.stream()
        .<Transport>map(id -> new PublishOnStart(nodes, nodes.create(id, 0, Map.of())))
        .toList();
  }

  @AfterEach
  void closeNodes() {
    nodes.close();
  }

  /** Publishes the port a transport bound once it has started, so peers can reach it. */
  private record PublishOnStart(TestNodes nodes, VertxTransport transport) implements Transport {
    @Override
    public void start(InboundHandler inbound) {
      nodes.startAndPublish(transport, inbound);
    }

    @Override
    public void send(Message message) {
      transport.send(message);
    }

    @Override
    public Map<String, Long> counters() {
      return transport.counters();
    }

    @Override
    public void close() {
      transport.close();
    }
  }
}
