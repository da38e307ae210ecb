package io.bellwether.transport.vertx;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Builds {@link VertxTransport}s on 127.0.0.1 for one test, publishes their bound addresses in a
 * {@link MutableDiscovery}, and closes them all at the end. Back-off is short so tests run fast.
 */
final class TestNodes implements AutoCloseable {

  static final String CLUSTER = "test-cluster";

  final MutableDiscovery discovery = new MutableDiscovery();
  private final List<Transport> opened = new ArrayList<>();

  static Settings settings(int port, Map<String, String> extra) {
    Settings s = Settings.empty()
        .with(VertxTransportConfig.LISTEN, "127.0.0.1:" + port)
        .with(VertxTransportConfig.RECONNECT_MIN, "10ms")
        .with(VertxTransportConfig.RECONNECT_MAX, "200ms");
    for (Map.Entry<String, String> e : extra.entrySet()) s = s.with(e.getKey(), e.getValue());
    return s;
  }

  /** An unstarted transport for {@code nodeId} listening on {@code port} (0 for any). */
  VertxTransport create(String nodeId, int port, Map<String, String> extra) {
    VertxTransport t = new VertxTransport(
        new NodeContext(CLUSTER, nodeId, null, settings(port, extra)), discovery);
    synchronized (opened) {
      opened.add(t);
    }
    return t;
  }

  /** Starts {@code transport} and publishes the address it bound. */
  VertxTransport startAndPublish(VertxTransport transport, Transport.InboundHandler handler) {
    transport.start(handler);
    discovery.publish(transport.nodeId(), transport.localEndpoint());
    return transport;
  }

  /** A started, published transport for {@code nodeId} whose inbound messages go to {@code inbox}. */
  VertxTransport start(String nodeId, Queue<Message> inbox) {
    return startAndPublish(create(nodeId, 0, Map.of()), inbox::add);
  }

  static Queue<Message> inbox() {
    return new ConcurrentLinkedQueue<>();
  }

  @Override
  public void close() {
    synchronized (opened) {
      opened.forEach(Transport::close);
    }
  }
}
