package io.bellwether.node.metrics;

import io.bellwether.core.RequestFailedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@code bellwether_raft_leader_transfers_total{outcome}}: the leadership transfers this node carried
 * out (asked over HTTP, or on its own when stopping), by how they ended. A transfer is counted once,
 * by the node that asked its own Raft node for it: a follower that forwards one to the leader counts
 * nothing, the leader counts it. A transfer to the node that already leads moves nothing and is not
 * counted. Every outcome is registered at start, so each series reads 0 until it happens.
 */
public final class LeaderTransferMetrics {

  /** How a transfer ended. */
  public enum Outcome {
    /** Another node leads now. */
    MOVED,
    /** Certainly did not move: this node did not lead, the target is not a voter, or it was stopping. */
    FAILED,
    /** Not moved within two election timeouts, or the node stopped while waiting: it may still move. */
    UNKNOWN;

    /**
     * The outcome of a transfer that failed with {@code failure}: only the node's own refusals are
     * certain; anything else (a timeout, the node stopping, a failure nobody classified) is unknown.
     */
    public static Outcome ofFailure(Throwable failure) {
      Throwable t = failure;
      while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
      return t instanceof RequestFailedException || t instanceof IllegalArgumentException ? FAILED : UNKNOWN;
    }
  }

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

  public LeaderTransferMetrics(MeterRegistry registry) {
    for (Outcome o : Outcome.values()) {
      counters.put(o, Counter.builder("bellwether.raft.leader.transfers")
          .description("leadership transfers this node carried out, by outcome")
          .tag("outcome", o.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
  }

  public void record(Outcome outcome) {
    counters.get(outcome).increment();
  }
}
