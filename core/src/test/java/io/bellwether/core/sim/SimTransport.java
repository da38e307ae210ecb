package io.bellwether.core.sim;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Transport;

/**
 * One node's {@link Transport} in the simulation: {@link #send} hands the message to the {@link
 * SimNetwork} queue. Inbound messages are handed to the node's driver by the cluster itself, which
 * then flushes the driver, so the start handler is not used. A closed transport (its node crashed)
 * sends nothing more.
 */
final class SimTransport implements Transport {

  private final SimNetwork network;
  private boolean closed;

  SimTransport(SimNetwork network) {
    this.network = network;
  }

  @Override
  public void start(InboundHandler inbound) {
    // Delivery goes through SimCluster, which must flush the node after each message.
  }

  @Override
  public void send(Message message) {
    if (!closed) network.send(message);
  }

  @Override
  public void close() {
    closed = true;
  }
}
