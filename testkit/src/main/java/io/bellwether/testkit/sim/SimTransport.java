package io.bellwether.testkit.sim;

import java.util.function.Consumer;

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
  private final Consumer<Message> check;
  private boolean closed;

  /** @param check looks at every message the node sends, before it leaves (throws to fail the run) */
  SimTransport(SimNetwork network, Consumer<Message> check) {
    this.network = network;
    this.check = check;
  }

  @Override
  public void start(InboundHandler inbound) {
    // Delivery goes through SimCluster, which must flush the node after each message.
  }

  @Override
  public void send(Message message) {
    if (closed) return;
    check.accept(message);
    network.send(message);
  }

  @Override
  public void close() {
    closed = true;
  }
}
