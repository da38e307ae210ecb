package io.bellwether.node.metrics;

import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Role;
import io.bellwether.core.engine.StepDownReason;
import io.bellwether.core.runtime.NodeObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Metrics of what the node does, told by the node itself as it happens (a {@link NodeObserver} on
 * the node thread): sync latency and group-commit batch size, elections this node started (by
 * cause) and how long they took, leaderless gaps as this member saw them, leader changes and
 * step-downs. Every cause and reason is registered at zero from the start, so a dashboard or an
 * alert sees each series before the first election. Micrometer meters are thread-safe and never block.
 */
public final class RaftEventMetrics implements NodeObserver {

  private final Timer syncLatency;
  private final DistributionSummary syncBatch;
  private final Map<ElectionCause, Counter> elections = new EnumMap<>(ElectionCause.class);
  private final Map<StepDownReason, Counter> stepDowns = new EnumMap<>(StepDownReason.class);
  private final Timer electionDuration;
  private final Timer leaderless;
  private final Counter leaderChanges;
  private long electionStartNanos = -1;

  public RaftEventMetrics(MeterRegistry registry) {
    this.syncLatency = Timer.builder("bellwether.raft.sync")
        .description("time to make one batch durable (fsync)")
        .publishPercentileHistogram().register(registry);
    this.syncBatch = DistributionSummary.builder("bellwether.raft.sync.entries")
        .description("log entries made durable per sync (group commit batch size)")
        .publishPercentileHistogram().register(registry);
    for (ElectionCause cause : ElectionCause.values()) {
      elections.put(cause, Counter.builder("bellwether.raft.elections").tag("cause", cause.label())
          .description("elections this node started (became candidate in a new term), by cause").register(registry));
    }
    for (StepDownReason reason : StepDownReason.values()) {
      stepDowns.put(reason, Counter.builder("bellwether.raft.step.downs").tag("reason", reason.label())
          .description("times this node stopped leading, by reason").register(registry));
    }
    this.electionDuration = Timer.builder("bellwether.raft.election")
        .description("from starting an election (pre-vote included) to knowing a leader")
        .publishPercentileHistogram().register(registry);
    this.leaderless = Timer.builder("bellwether.raft.leaderless")
        .description("each period this member had no leader: from its last message of the previous leader"
            + " (or its start) to knowing the next one")
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
  public void electionStarted(long term, ElectionCause cause) {
    elections.get(cause).increment();
  }

  @Override
  public void steppedDown(long term, StepDownReason reason) {
    stepDowns.get(reason).increment();
  }

  @Override
  public void leaderFound(long term, String leader, String previousLeader, long leaderlessNanos,
      ElectionCause cause) {
    leaderless.record(leaderlessNanos, TimeUnit.NANOSECONDS);
    if (previousLeader != null && !Objects.equals(previousLeader, leader)) leaderChanges.increment();
  }

  @Override
  public void roleChanged(Role role, long term, String leader) {
    long now = System.nanoTime();
    boolean campaigning = role == Role.PRE_CANDIDATE || role == Role.CANDIDATE;
    if (campaigning && electionStartNanos < 0) electionStartNanos = now;
    if (leader != null && electionStartNanos >= 0) {
      electionDuration.record(now - electionStartNanos, TimeUnit.NANOSECONDS);
      electionStartNanos = -1;
    }
  }
}
