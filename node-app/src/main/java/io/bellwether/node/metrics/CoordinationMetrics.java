package io.bellwether.node.metrics;

import io.bellwether.core.kv.LeaseKeeper;
import io.bellwether.core.watch.ChangeHistory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Watchers and leases as meters: how many, and how many watchers the node had to drop. */
public final class CoordinationMetrics {

  private CoordinationMetrics() {}

  public static void register(ChangeHistory history, LeaseKeeper keeper, MeterRegistry registry) {
    Gauge.builder("bellwether.watchers", history, ChangeHistory::watcherCount)
        .description("watch streams open on this node").register(registry);
    FunctionCounter.builder("bellwether.watchers.dropped", history, ChangeHistory::droppedSlow)
        .tag("reason", "slow_consumer")
        .description("watch streams this node closed: a stalled consumer fell too far behind, or the history"
            + " or a snapshot took changes it had not seen")
        .register(registry);
    FunctionCounter.builder("bellwether.watchers.dropped", history, ChangeHistory::droppedCompacted)
        .tag("reason", "compacted").register(registry);
    Gauge.builder("bellwether.watch.history.changes", history, ChangeHistory::size)
        .description("changes kept for watchers to resume at").register(registry);
    Gauge.builder("bellwether.watch.history.oldest.index", history, ChangeHistory::oldestIndex)
        .description("the oldest log index a watch can start at on this node").register(registry);
    Gauge.builder("bellwether.leases", keeper, LeaseKeeper::size)
        .description("leases in the replicated state").register(registry);
  }
}
