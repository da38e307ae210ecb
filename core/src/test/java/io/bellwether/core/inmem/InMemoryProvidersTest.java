package io.bellwether.core.inmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.DiscoveryProvider;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.StorageProvider;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.spi.TransportProvider;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

// Goal: prove core registers its providers by name and that they build working, node-app style parts.
// Method: find providers through ServiceLoader as node-app does, then use what they build.
class InMemoryProvidersTest {

  @Test
  void coreRegistersItsProvidersByName() {
    assertThat(ServiceLoader.load(TransportProvider.class).stream().map(p -> p.get().name()))
        .contains("inmem");
    assertThat(ServiceLoader.load(StorageProvider.class).stream().map(p -> p.get().name()))
        .contains("inmem");
    assertThat(ServiceLoader.load(DiscoveryProvider.class).stream().map(p -> p.get().name()))
        .contains("static");
  }

  @Test
  void storageProviderOpensAFreshStoreEachTime() {
    StorageProvider provider = new InMemoryStorageProvider();
    NodeContext context = new NodeContext("c", "n1", null, Settings.empty());
    LogStore first = provider.open(context);
    first.append(List.of(LogEntry.noop(1, 1)));
    first.sync();

    LogStore second = provider.open(context);

    assertThat(second.lastIndex()).isZero();
  }

  @Test
  void transportsOfOneClusterShareANetwork() {
    String clusterId = "providers-test-" + System.nanoTime();
    TransportProvider provider = new InMemoryTransportProvider();
    Transport n1 = provider.create(new NodeContext(clusterId, "n1", null, Settings.empty()), null);
    Transport n2 = provider.create(new NodeContext(clusterId, "n2", null, Settings.empty()), null);
    Queue<Message> inbox = new ConcurrentLinkedQueue<>();
    n1.start(m -> {});
    n2.start(inbox::add);
    Message heartbeat = new Heartbeat("n1", "n2", 1, 0, 0, 50_000, 10);

    try {
      n1.send(heartbeat);
      await().atMost(Duration.ofSeconds(10)).until(() -> inbox.contains(heartbeat));
      assertThat(InMemoryTransportProvider.network(clusterId).deliveredCount()).isEqualTo(1);
    } finally {
      InMemoryTransportProvider.network(clusterId).close();
    }
  }
}
