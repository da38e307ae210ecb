package io.bellwether.bench;

import io.bellwether.core.codec.MessageCodec;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.Message;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Messages per second through {@link MessageCodec#DEFAULT}: encode and decode of a Heartbeat and of
 * AppendEntries carrying 1, 16 or 256 entries of 100 B. Every replicated entry crosses the codec
 * once per follower on the leader and once on the follower, so this bounds replication throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

  @Param({"heartbeat", "append-1", "append-16", "append-256"})
  public String message;

  private final MessageCodec codec = MessageCodec.DEFAULT;
  private Message value;
  private byte[] frame;

  @Setup
  public void setUp() {
    value = switch (message) {
      case "heartbeat" -> new Heartbeat("n1", "n2", 7, 1_000_000, 42, 50_000, 10);
      case "append-1" -> append(1);
      case "append-16" -> append(16);
      case "append-256" -> append(256);
      default -> throw new IllegalArgumentException("unknown message " + message);
    };
    frame = codec.encode(value);
    if (!codec.decode(frame).equals(value)) throw new IllegalStateException("codec does not round-trip " + message);
  }

  private static AppendEntries append(int entries) {
    long prevLogIndex = 1_000_000;
    return new AppendEntries("n1", "n2", 7, prevLogIndex, 7,
        Payloads.entries(prevLogIndex + 1, entries, Payloads.bytes(Payloads.VALUE_BYTES)), prevLogIndex);
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(value);
  }

  @Benchmark
  public Message decode() {
    return codec.decode(frame);
  }
}
