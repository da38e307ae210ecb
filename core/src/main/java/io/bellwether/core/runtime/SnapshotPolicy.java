package io.bellwether.core.runtime;

/**
 * When a node snapshots its state machine and compacts its log (the Low-Water Mark): once the entries
 * applied since the last snapshot pass {@code thresholdEntries} or {@code thresholdBytes}. The newest
 * {@code catchUpTailEntries} entries the snapshot covers stay in the log, so a follower only slightly
 * behind catches up with plain appends instead of a whole snapshot.
 */
public record SnapshotPolicy(long thresholdEntries, long thresholdBytes, long catchUpTailEntries) {

  public static final SnapshotPolicy DEFAULT = new SnapshotPolicy(10_000, 64L << 20, 1_000);

  /** Never snapshot (the log grows without bound): for tests that want the whole log. */
  public static final SnapshotPolicy NEVER = new SnapshotPolicy(Long.MAX_VALUE, Long.MAX_VALUE, 0);

  public SnapshotPolicy {
    if (thresholdEntries < 1) throw new IllegalArgumentException("snapshot thresholdEntries must be >= 1");
    if (thresholdBytes < 1) throw new IllegalArgumentException("snapshot thresholdBytes must be >= 1");
    if (catchUpTailEntries < 0) throw new IllegalArgumentException("snapshot catchUpTailEntries must be >= 0");
  }
}
