package io.bellwether.core.runtime;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A transport whose other end is the test: it records what the node sends ({@link #sent}) and hands
 * the node what the test plays from its peers ({@link #deliver}, once started).
 */
final class Wire implements Transport {
  final List<Message> sent = new ArrayList<>();
  private final AtomicReference<InboundHandler> inbound = new AtomicReference<>();

  @Override
  public void start(InboundHandler handler) {
    inbound.set(handler);
  }

  @Override
  public synchronized void send(Message message) {
    sent.add(message);
  }

  @Override
  public void close() {}

  void deliver(Message m) {
    inbound.get().onMessage(m);
  }
}
