package io.bellwether.transport.vertx;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.spi.TransportProvider;

/** Transport provider {@code vertx}: builds a {@link VertxTransport} from the node's settings. */
public final class VertxTransportProvider implements TransportProvider {

  @Override
  public String name() {
    return "vertx";
  }

  /**
   * @throws IllegalArgumentException naming the setting when a {@code transport.vertx.*} setting is
   *     invalid
   */
  @Override
  public Transport create(NodeContext context, Discovery discovery) {
    return new VertxTransport(context, discovery);
  }
}
