package io.bellwether.bench;

import io.bellwether.core.inmem.StaticDiscovery;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Heartbeat/HeartbeatResponse round trips per second between two {@link VertxTransport}s on
 * 127.0.0.1 (codec, framing, TCP and the event loops included): one at a time (ping-pong, which
 * bounds a follower's acknowledgement rate), and 64 in flight (pipelined, which bounds replication).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransportBenchmark {

  private static final int WINDOW = 64;
  private static final long REPLY_TIMEOUT_SECONDS = 5;

  private final Semaphore responses = new Semaphore(0);
  private VertxTransport n1;
  private VertxTransport n2;
  private long readSeq;
  private volatile long firstCountedSeq;

  @Setup
  public void connect() throws IOException, InterruptedException {
    // Static discovery needs the ports before start: take two free ones from the OS. Each transport
    // listens where discovery says it is.
    Map<String, PeerAddress> peers = Map.of(
        "n1", new PeerAddress("n1", new Endpoint("127.0.0.1", freePort()), null),
        "n2", new PeerAddress("n2", new Endpoint("127.0.0.1", freePort()), null));
    StaticDiscovery discovery = new StaticDiscovery(peers);
    n1 = new VertxTransport(new NodeContext("bench", "n1", null, Settings.empty()), discovery);
    n2 = new VertxTransport(new NodeContext("bench", "n2", null, Settings.empty()), discovery);
    n2.start(this::answer);
    n1.start(m -> {
      if (m instanceof HeartbeatResponse r && r.readSeq() >= firstCountedSeq) responses.release();
    });
    // The first messages wait for the connection and handshake; retry until one comes back.
    for (int attempt = 0; !roundTrip(1, 100, TimeUnit.MILLISECONDS); attempt++) {
      if (attempt == 100) throw new IllegalStateException("no answer from n2 after 100 attempts");
    }
    // Answers to the other attempts may still come: count only heartbeats sent from now on.
    firstCountedSeq = readSeq + 1;
    responses.drainPermits();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** n2, on its event loop: answers every heartbeat as a follower would. */
  private void answer(Message m) {
    if (m instanceof Heartbeat h) n2.send(new HeartbeatResponse("n2", "n1", h.term(), h.readSeq(), h.commitIndex()));
  }

  @TearDown
  public void close() {
    if (n1 != null) n1.close();
    if (n2 != null) n2.close();
  }

  @Benchmark
  public long pingPong() throws InterruptedException {
    return requireRoundTrip(1);
  }

  @Benchmark
  @OperationsPerInvocation(WINDOW)
  public long pipelined64() throws InterruptedException {
    return requireRoundTrip(WINDOW);
  }

  private long requireRoundTrip(int count) throws InterruptedException {
    if (!roundTrip(count, REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("fewer than " + count + " answers in " + REPLY_TIMEOUT_SECONDS
          + " s; n1 dropped " + (n1.droppedQueueFullCount() + n1.droppedUnreachableCount())
          + ", n2 dropped " + (n2.droppedQueueFullCount() + n2.droppedUnreachableCount()));
    }
    return readSeq;
  }

  /** Sends {@code count} heartbeats from n1 to n2 and waits for as many answers. */
  private boolean roundTrip(int count, long timeout, TimeUnit unit) throws InterruptedException {
    for (int i = 0; i < count; i++) n1.send(new Heartbeat("n1", "n2", 1, 0, ++readSeq));
    return responses.tryAcquire(count, timeout, unit);
  }
}
