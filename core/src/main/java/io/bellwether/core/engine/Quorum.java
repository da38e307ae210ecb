package io.bellwether.core.engine;

import java.util.Arrays;

/** Majority arithmetic, kept apart so it can be read (and tested) on its own. */
final class Quorum {

  private Quorum() {}

  /** Votes needed out of {@code voters}: more than half. */
  static int majority(int voters) {
    return voters / 2 + 1;
  }

  /**
   * The highest index that at least {@code needed} of the given match indexes have reached: sort
   * descending and take the {@code needed}-th. With {@code needed = majority} this is the index a
   * majority holds (Raft §5.3, Figure 2 "if there exists an N such that a majority of matchIndex[i] ≥
   * N").
   */
  static long indexReachedBy(long[] matchIndexes, int needed) {
    long[] sorted = matchIndexes.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length - needed];
  }
}
