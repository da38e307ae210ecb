package io.bellwether.bench;

import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.KvQueryResult;
import io.bellwether.core.kv.KvStateMachine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Operations per second of {@link KvStateMachine} over 10,000 keys holding 100 B values: apply of an
 * encoded put (decode, version, store) as every node does for each committed entry, and a Get
 * query as a read served locally does. Keys are visited round-robin so every put overwrites.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KvApplyBenchmark {

  private static final int KEYS = 10_000;

  private final KvStateMachine stateMachine = new KvStateMachine();
  private final byte[][] puts = new byte[KEYS][];
  private final byte[][] gets = new byte[KEYS][];
  private long index;
  private int next;

  @Setup
  public void fill() {
    byte[] value = Payloads.bytes(Payloads.VALUE_BYTES);
    for (int k = 0; k < KEYS; k++) {
      String key = String.format("key-%05d", k);
      puts[k] = KvCommand.put(key, value, 1).encode();
      gets[k] = new KvQuery.Get(key).encode();
      stateMachine.apply(++index, puts[k]);
    }
    if (stateMachine.size() != KEYS) throw new IllegalStateException("expected " + KEYS + " keys: " + stateMachine.size());
    if (!(KvQueryResult.decode(stateMachine.query(gets[0])) instanceof KvQueryResult.GetResult r && r.found())) {
      throw new IllegalStateException("a key just put is not found");
    }
  }

  @Benchmark
  public byte[] applyPut() {
    byte[] command = puts[next];
    next = (next + 1) % KEYS;
    return stateMachine.apply(++index, command);
  }

  @Benchmark
  public byte[] queryGet() {
    byte[] query = gets[next];
    next = (next + 1) % KEYS;
    return stateMachine.query(query);
  }
}
