package io.bellwether.node.metrics;

import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Metrics of what the node does, told by the node itself as it happens (a {@link NodeObserver} on
 * the node thread): sync latency and group-commit batch size, elections this node started and how
 * long they took, and leader changes. Micrometer meters are thread-safe and never block.
 */
public final class RaftEventMetrics implements NodeObserver {

  private final Timer syncLatency;
  private final DistributionSummary syncBatch;
  private final Counter electionsStarted;
  private final Timer electionDuration;
  private final Counter leaderChanges;
  private long electionStartNanos = -1;
  private String lastLeader;

  public RaftEventMetrics(MeterRegistry registry) {
    this.syncLatency = Timer.builder("bellwether.raft.sync")
        .description("time to make one batch durable (fsync)")
        .publishPercentileHistogram().register(registry);
    this.syncBatch = DistributionSummary.builder("bellwether.raft.sync.entries")
        .description("log entries made durable per sync (group commit batch size)")
        .publishPercentileHistogram().register(registry);
    this.electionsStarted = Counter.builder("bellwether.raft.elections")
        .description("elections this node started (became candidate)").register(registry);
    this.electionDuration = Timer.builder("bellwether.raft.election")
        .description("from starting an election (pre-vote included) to knowing a leader")
        .publishPercentileHistogram().register(registry);
    this.leaderChanges = Counter.builder("bellwether.raft.leader.changes")
        .description("times the leader this node knows changed to another node").register(registry);
  }

  @Override
  public void synced(long durationNanos, int entries) {
    syncLatency.record(durationNanos, TimeUnit.NANOSECONDS);
    syncBatch.record(entries);
  }

  @Override
  public void roleChanged(Role role, long term, String leader) {
    long now = System.nanoTime();
    if (role == Role.CANDIDATE) electionsStarted.increment();
    boolean campaigning = role == Role.PRE_CANDIDATE || role == Role.CANDIDATE;
    if (campaigning && electionStartNanos < 0) electionStartNanos = now;
    if (leader != null && electionStartNanos >= 0) {
      electionDuration.record(now - electionStartNanos, TimeUnit.NANOSECONDS);
      electionStartNanos = -1;
    }
    if (leader != null && !Objects.equals(leader, lastLeader)) {
      if (lastLeader != null) leaderChanges.increment();
      lastLeader = leader;
    }
  }
}
