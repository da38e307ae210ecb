package io.bellwether.bench;

import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import io.bellwether.transport.vertx.VertxTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * Two started {@link VertxTransport}s, n1 and n2, on 127.0.0.1 ({@code StaticDiscovery}, ports taken
 * from the OS), connected and handshaken: n1 sends numbered requests, n2 answers each on its event
 * loop, n1 counts the answers. Shared by the transport benchmarks.
 */
final class TransportPair implements AutoCloseable {

  static final long REPLY_TIMEOUT_SECONDS = 5;

  private final Semaphore responses = new Semaphore(0);
  private final LongFunction<Message> request;
  private final VertxTransport n1;
  private final VertxTransport n2;
  private long seq;
  private volatile long firstCountedSeq;

  /**
   * @param request the message n1 sends for sequence number {@code seq} (from 1 on)
   * @param answer what n2 sends back for a message it receives, or null for none
   * @param answeredSeq the sequence number a message n1 receives answers, or -1 if it is no answer
   */
  TransportPair(LongFunction<Message> request, UnaryOperator<Message> answer, ToLongFunction<Message> answeredSeq)
      throws IOException, InterruptedException {
    this.request = request;
    // Static discovery needs the ports before start: take two free ones from the OS. Each transport
    // listens where discovery says it is.
    Map<String, PeerAddress> peers = Map.of(
        "n1", new PeerAddress("n1", new Endpoint("127.0.0.1", freePort()), null),
        "n2", new PeerAddress("n2", new Endpoint("127.0.0.1", freePort()), null));
    StaticDiscovery discovery = new StaticDiscovery(peers);
    n1 = new VertxTransport(new NodeContext("bench", "n1", null, Settings.empty()), discovery);
    n2 = new VertxTransport(new NodeContext("bench", "n2", null, Settings.empty()), discovery);
    n2.start(m -> {
      Message reply = answer.apply(m);
      if (reply != null) n2.send(reply);
    });
    n1.start(m -> {
      if (answeredSeq.applyAsLong(m) >= firstCountedSeq) responses.release();
    });
    // The first messages wait for the connection and handshake; retry until one comes back.
    for (int attempt = 0; !roundTrip(1, 100, TimeUnit.MILLISECONDS); attempt++) {
      if (attempt == 100) {
        close();
        throw new IllegalStateException("no answer from n2 after 100 attempts");
      }
    }
    // Answers to the other attempts may still come: count only requests sent from now on.
    firstCountedSeq = seq + 1;
    responses.drainPermits();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Sends {@code count} requests from n1 to n2 and waits for as many answers; fails after
   * {@link #REPLY_TIMEOUT_SECONDS} with both transports' drop counters.
   *
   * @return the last sequence number sent
   */
  long requireRoundTrip(int count) throws InterruptedException {
    if (!roundTrip(count, REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("fewer than " + count + " answers in " + REPLY_TIMEOUT_SECONDS
          + " s; n1 dropped " + (n1.stats().droppedQueueFullCount() + n1.stats().droppedUnreachableCount())
          + ", n2 dropped " + (n2.stats().droppedQueueFullCount() + n2.stats().droppedUnreachableCount()));
    }
    return seq;
  }

  private boolean roundTrip(int count, long timeout, TimeUnit unit) throws InterruptedException {
    for (int i = 0; i < count; i++) n1.send(request.apply(++seq));
    return responses.tryAcquire(count, timeout, unit);
  }

  @Override
  public void close() {
    n1.close();
    n2.close();
  }
}
