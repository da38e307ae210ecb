package io.bellwether.testkit.lin;

import java.util.List;

/**
 * The verdict of {@link LinearizabilityChecker}. For {@code NOT_LINEARIZABLE} it names the key, the
 * longest prefix of operations the search could linearize, the register value it left, and the
 * operation that could not come next (with the other operations that were pending at that point).
 * {@code toString()} prints all of that.
 */
public final class Result {

  /** {@code UNKNOWN} means the search budget ran out before a verdict. */
  public enum Outcome {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    UNKNOWN
  }

  private static final int PRINTED_PREFIX_OPS_MAX = 12;
  private static final int PRINTED_PENDING_OPS_MAX = 12;

  private final Outcome outcome;
  private final String key;
  private final List<Operation> longestPrefix;
  private final String stateAfterPrefix;
  private final Operation failedOp;
  private final List<Operation> pendingOps;
  private final int keysChecked;
  private final int operationsChecked;
  private final long steps;
  private final String explanation;

  private Result(Outcome outcome, String key, List<Operation> longestPrefix, String stateAfterPrefix,
      Operation failedOp, List<Operation> pendingOps, int keysChecked, int operationsChecked,
      long steps, String explanation) {
    this.outcome = outcome;
    this.key = key;
    this.longestPrefix = List.copyOf(longestPrefix);
    this.stateAfterPrefix = stateAfterPrefix;
    this.failedOp = failedOp;
    this.pendingOps = List.copyOf(pendingOps);
    this.keysChecked = keysChecked;
    this.operationsChecked = operationsChecked;
    this.steps = steps;
    this.explanation = explanation;
  }

  static Result linearizable(int keys, int operations, long steps) {
    return new Result(Outcome.LINEARIZABLE, null, List.of(), null, null, List.of(), keys, operations,
        steps, "linearizable: " + operations + " operations on " + keys + " keys, " + steps
            + " search steps");
  }

  static Result notLinearizable(String key, List<Operation> longestPrefix, String stateAfterPrefix,
      Operation failedOp, List<Operation> pendingOps, int keys, int operations, long steps) {
    StringBuilder b = new StringBuilder();
    b.append("NOT linearizable on key '").append(key).append("': no order of the operations lets\n  ")
        .append(failedOp).append("\ncome before it returned. Longest linearizable prefix: ")
        .append(longestPrefix.size()).append(" operations, leaving the register ")
        .append(Op.show(stateAfterPrefix)).append(".\n");
    int from = Math.max(0, longestPrefix.size() - PRINTED_PREFIX_OPS_MAX);
    if (from > 0) {
      b.append("  ... ").append(from).append(" earlier operations\n");
    }
    for (Operation op : longestPrefix.subList(from, longestPrefix.size())) {
      b.append("  ").append(op).append('\n');
    }
    b.append("Pending after that prefix (none can be linearized next):\n");
    for (Operation op : pendingOps.subList(0, Math.min(pendingOps.size(), PRINTED_PENDING_OPS_MAX))) {
      b.append("  ").append(op).append('\n');
    }
    if (pendingOps.size() > PRINTED_PENDING_OPS_MAX) {
      b.append("  ... ").append(pendingOps.size() - PRINTED_PENDING_OPS_MAX).append(" more\n");
    }
    return new Result(Outcome.NOT_LINEARIZABLE, key, longestPrefix, stateAfterPrefix, failedOp,
        pendingOps, keys, operations, steps, b.toString());
  }

  static Result unknown(String key, String why, int keys, int operations, long steps) {
    return new Result(Outcome.UNKNOWN, key, List.of(), null, null, List.of(), keys, operations, steps,
        "UNKNOWN on key '" + key + "': " + why);
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean isLinearizable() {
    return outcome == Outcome.LINEARIZABLE;
  }

  /** The key that failed or ran out of budget; null when linearizable. */
  public String key() {
    return key;
  }

  /** In linearization order; empty unless {@code NOT_LINEARIZABLE}. */
  public List<Operation> longestPrefix() {
    return longestPrefix;
  }

  /** The register value after {@link #longestPrefix()}; null = absent. */
  public String stateAfterPrefix() {
    return stateAfterPrefix;
  }

  /** The operation whose return came before any order could place it; null unless failed. */
  public Operation failedOp() {
    return failedOp;
  }

  /** The operations that were pending after the longest prefix, {@link #failedOp()} among them. */
  public List<Operation> pendingOps() {
    return pendingOps;
  }

  public int keysChecked() {
    return keysChecked;
  }

  /** Operations that took part in the search (failed ops and unknown reads are not counted). */
  public int operationsChecked() {
    return operationsChecked;
  }

  public long steps() {
    return steps;
  }

  public String explanation() {
    return explanation;
  }

  @Override
  public String toString() {
    return explanation;
  }
}
