package io.bellwether.bench;

import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.transport.vertx.VertxTransport;
import java.io.IOException;
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

  private TransportPair pair;

  @Setup
  public void connect() throws IOException, InterruptedException {
    // n2 answers every heartbeat as a follower would; the readSeq numbers the round trips.
    pair = new TransportPair(
        seq -> new Heartbeat("n1", "n2", 1, 0, seq, 50_000, 10),
        m -> m instanceof Heartbeat h ? new HeartbeatResponse("n2", "n1", h.term(), h.readSeq(), h.commitIndex(), true) : null,
        m -> m instanceof HeartbeatResponse r ? r.readSeq() : -1);
  }

  @TearDown
  public void close() {
    if (pair != null) pair.close();
  }

  @Benchmark
  public long pingPong() throws InterruptedException {
    return pair.requireRoundTrip(1);
  }

  @Benchmark
  @OperationsPerInvocation(WINDOW)
  public long pipelined64() throws InterruptedException {
    return pair.requireRoundTrip(WINDOW);
  }
}
