package io.bellwether.bench;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Committed entries per second of three {@link RaftEngine}s driven on one thread with no I/O, no
 * codec and no clock: the algorithm's own ceiling, which every real deployment stays below.
 * Each invocation proposes 1 or 64 entries of 100 B to the leader and delivers messages until all
 * three engines are quiet; it fails if the leader has not committed every proposal by then.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {

  private static final int BATCH = 64;

  private final byte[] command = Payloads.bytes(Payloads.VALUE_BYTES);
  private SyncCluster cluster;
  private RaftEngine leader;

  @Setup(Level.Trial)
  public void electLeader() {
    cluster = new SyncCluster(3, RaftConfig.DEFAULT, 7);
    leader = cluster.elect("n1");
  }

  @Benchmark
  public long proposeOneThenStabilize() {
    return proposeAndCommit(1);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long propose64ThenStabilize() {
    return proposeAndCommit(BATCH);
  }

  private long proposeAndCommit(int count) {
    long last = 0;
    for (int i = 0; i < count; i++) last = leader.propose(command);
    cluster.stabilize();
    if (leader.commitIndex() < last) {
      throw new IllegalStateException("entry " + last + " not committed; commit index " + leader.commitIndex());
    }
    cluster.compactLongLogs();
    return last;
  }
}
