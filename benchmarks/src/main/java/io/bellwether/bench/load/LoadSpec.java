package io.bellwether.bench.load;

import java.time.Duration;
import java.util.List;

/** Everything a load run needs, as given on the command line (see {@link LoadCommand}). */
record LoadSpec(
    Target target,
    List<Endpoint> endpoints,
    Placement writeTo,
    Placement readFrom,
    Workload workload,
    double readFraction,
    Consistency consistency,
    int connections,
    double rate,
    Duration duration,
    Duration warmup,
    int keys,
    int valueSize,
    String keyPrefix,
    boolean preload,
    long seed,
    Duration timeout,
    Duration errorBackoff,
    ClientSecurity security,
    int fillFrom,
    int fillTo) {

  /** Fails with a message for the user when the options do not make sense together. */
  LoadSpec {
    if (endpoints == null || endpoints.isEmpty()) throw new IllegalArgumentException("--endpoints is required");
    if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1");
    if (rate < 0) throw new IllegalArgumentException("--rate must be >= 0 (0 = closed loop)");
    if (readFraction < 0 || readFraction > 1) throw new IllegalArgumentException("--read-fraction must be in [0, 1]");
    if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("--duration must be positive");
    if (warmup.isNegative()) throw new IllegalArgumentException("--warmup must be >= 0");
    if (keys < 1) throw new IllegalArgumentException("--keys must be at least 1");
    if (workload == Workload.FILL) {
      if (fillFrom < 0 || fillFrom >= fillTo || fillTo > keys) {
        throw new IllegalArgumentException("--fill-from and --fill-to must satisfy 0 <= from < to <= --keys (" + keys
            + "), got " + fillFrom + " and " + fillTo);
      }
      if (preload) throw new IllegalArgumentException("--preload writes every key before the run: a fill is that write");
      // Every write of a fill counts: a warm-up would leave keys written but out of the figures.
      warmup = Duration.ZERO;
    } else if (fillFrom != 0 || fillTo != keys) {
      throw new IllegalArgumentException("--fill-from and --fill-to are for --workload fill only");
    }
    if (target == Target.ETCD && consistency == Consistency.LEASE) {
      throw new IllegalArgumentException("etcd has no lease reads: use --consistency linearizable (etcd's default"
          + " range) or stale (a serializable range)");
    }
    if (target == Target.ETCD && workload == Workload.KEEPALIVE) {
      throw new IllegalArgumentException("--workload keepalive is for Bellwether only (its /v1/leases API)");
    }
    if (writeTo == Placement.SURVIVORS || readFrom == Placement.SURVIVORS) {
      throw new IllegalArgumentException("'survivors' is for the failover command only");
    }
    if (readFrom == Placement.FOLLOWERS && endpoints.size() < 2 && readsAny()) {
      throw new IllegalArgumentException("--read-from followers needs at least two endpoints");
    }
  }

  boolean readsAny() {
    return workload != Workload.WRITE && workload != Workload.FILL;
  }

  boolean writesAny() {
    return workload == Workload.WRITE || workload == Workload.MIXED || workload == Workload.FILL;
  }

  /** The keys a fill writes, or 0 for another workload. */
  int fillCount() {
    return workload == Workload.FILL ? fillTo - fillFrom : 0;
  }

  /** Whether the run writes before it starts: keys ({@code --preload}) or the leases to keep alive. */
  boolean preloads() {
    return preload || workload == Workload.KEEPALIVE;
  }

  /** Whether the run must know the leader before it starts. */
  boolean needsLeader() {
    return (writesAny() || preloads()) && writeTo == Placement.LEADER
        || readsAny() && (readFrom == Placement.LEADER || readFrom == Placement.FOLLOWERS);
  }
}
