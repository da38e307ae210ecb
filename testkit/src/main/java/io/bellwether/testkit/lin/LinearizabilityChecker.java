package io.bellwether.testkit.lin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks that a history of register operations on many keys is linearizable.
 *
 * <p>Linearizability is compositional (Herlihy and Wing): a history is linearizable if and only if
 * the history of each object is, so each key is checked on its own, in key order, with {@link
 * WglSearch}. Reads of an absent key return {@code null}. {@code FAIL} operations did not take
 * effect and are ignored; {@code INFO} operations, and invocations the history never completes, may
 * take effect at any point after their invocation, or never.
 *
 * <p>The search is exponential in the worst case, so it is bounded: when a key needs more than
 * {@link Budget#maxStepsPerKey()} steps, or the whole check more than {@link Budget#maxTime()}, the
 * result is {@code UNKNOWN} rather than a wait without end. Steps are deterministic; time is not, so
 * simulations that must replay exactly should rely on the step bound.
 */
public final class LinearizabilityChecker {

  /**
   * Bounds of one check. A step is one attempt to place (or drop) an operation; each new
   * configuration reached is remembered, at about 100 bytes, so the steps also bound the memory:
   * the default fits in the 256 MB of a test JVM.
   */
  public record Budget(long maxStepsPerKey, Duration maxTime) {

    public static final Budget DEFAULT = new Budget(2_000_000L, Duration.ofSeconds(60));

    public Budget {
      if (maxStepsPerKey <= 0) {
        throw new IllegalArgumentException("maxStepsPerKey must be positive: " + maxStepsPerKey);
      }
      Objects.requireNonNull(maxTime, "maxTime");
    }
  }

  private LinearizabilityChecker() {}

  public static Result check(History history) {
    return check(history.ops(), Budget.DEFAULT);
  }

  public static Result check(History history, Budget budget) {
    return check(history.ops(), budget);
  }

  /**
   * @throws IllegalArgumentException if the history is malformed (see {@link Pairing#pair})
   */
  public static Result check(List<Op> events, Budget budget) {
    long deadlineNanos = System.nanoTime() + budget.maxTime().toNanos();
    Map<String, List<LinOp>> byKey = new TreeMap<>();
    for (LinOp op : Pairing.pair(events)) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }

    int operations = 0;
    long steps = 0;
    String unknownKey = null;
    String unknownWhy = null;
    for (Map.Entry<String, List<LinOp>> ofKey : byKey.entrySet()) {
      KeyHistory keyHistory = KeyHistory.of(ofKey.getKey(), ofKey.getValue());
      operations += keyHistory.ops.length;
      WglSearch.Verdict verdict = WglSearch.run(keyHistory, budget.maxStepsPerKey(), deadlineNanos);
      steps += verdict.steps();
      switch (verdict.outcome()) {
        case LINEARIZABLE -> { }
        case NOT_LINEARIZABLE -> {
          return Result.notLinearizable(keyHistory.key, verdict.longestPrefix(),
              verdict.stateAfterPrefix(), verdict.failedOp(), verdict.pendingOps(), byKey.size(),
              operations, steps);
        }
        case UNKNOWN -> {
          if (unknownKey == null) {
            unknownKey = keyHistory.key;
            unknownWhy = verdict.why();
          }
        }
      }
    }
    if (unknownKey != null) {
      return Result.unknown(unknownKey, unknownWhy, byKey.size(), operations, steps);
    }
    return Result.linearizable(byKey.size(), operations, steps);
  }
}
