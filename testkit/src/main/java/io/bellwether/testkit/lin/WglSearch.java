package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Wing and Gong search with Lowe's memoisation ("WGL"), for the operations of one key against a
 * register.
 *
 * <p>Calls and returns sit in one doubly linked list in history order (an operation's return is at
 * its deadline, see {@link KeyHistory}). The search walks the list from the front. At a call it tries
 * to linearize that operation next: if the register allows it and the pair (set of linearized
 * operations, register value) was never reached before, it lifts the call and its return out of the
 * list, pushes, and starts again from the front. At the return of an operation not yet linearized, no
 * operation called later may come first, so it backtracks: pops the last operation, puts it back into
 * the list and tries the next call after it. At the deadline of an optional operation it drops the
 * operation (it never took effect), which is the only move there. The history is linearizable when
 * all operations are placed or dropped, except those that may take effect at any time; it is not when
 * the stack is empty at a return.
 *
 * <p>Two prunings keep registers with many readers and timed-out writers fast; neither changes a
 * verdict ({@code CheckerAgreesWithBruteForceTest}): a pending read of the current value is placed
 * at once as the only move (see {@link #enterConfiguration}), and of optional operations with the
 * same effect only one is tried (see {@link #pendingTwinGoesFirst}).
 */
final class WglSearch {

  private static final int CLOCK_CHECK_EVERY_STEPS = 1 << 12;
  /** Placed as one of several candidates: on backtrack, the next candidate is tried. */
  private static final byte CHOSEN = 0;
  /** A read placed as the only move worth trying: on backtrack, keep going back. */
  private static final byte FORCED = 1;
  /** An optional operation dropped at its deadline, also the only move there. */
  private static final byte DROPPED = 2;

  /** Outcome for one key; the failure fields are null unless {@code NOT_LINEARIZABLE}. */
  record Verdict(Result.Outcome outcome, long steps, List<Operation> longestPrefix,
      String stateAfterPrefix, Operation failedOp, List<Operation> pendingOps, String why) {}

  private static final class Entry {
    final LinOp op;
    final boolean call;
    Entry match;
    Entry prev;
    Entry next;

    Entry(LinOp op, boolean call) {
      this.op = op;
      this.call = call;
    }
  }

  private final KeyHistory history;
  private final long stepsMax;
  private final long deadlineNanos;
  private final Entry head = new Entry(null, false);
  private final Entry[] callEntries;
  private final Configurations configurations;
  private final int[] stackOps;
  private final int[] stackStates;
  /** How each operation on the stack got there: {@link #CHOSEN}, {@link #FORCED}, {@link #DROPPED}. */
  private final byte[] stackHow;
  private int depth;
  private int state;
  private long steps;

  private int bestDepth = -1;
  private int[] bestPrefix;
  private int bestState;
  private LinOp bestFailed;
  private List<Operation> bestPending;

  private WglSearch(KeyHistory history, long stepsMax, long deadlineNanos) {
    this.history = history;
    this.stepsMax = stepsMax;
    this.deadlineNanos = deadlineNanos;
    int n = history.ops.length;
    this.callEntries = new Entry[n];
    this.configurations = new Configurations(n);
    this.stackOps = new int[n];
    this.stackStates = new int[n];
    this.stackHow = new byte[n];
    buildList();
  }

  static Verdict run(KeyHistory history, long stepsMax, long deadlineNanos) {
    return new WglSearch(history, stepsMax, deadlineNanos).search();
  }

  private void buildList() {
    List<Entry> entries = new ArrayList<>(2 * history.ops.length);
    for (LinOp op : history.ops) {
      Entry call = new Entry(op, true);
      Entry ret = new Entry(op, false);
      call.match = ret;
      ret.match = call;
      callEntries[op.id] = call;
      entries.add(call);
      entries.add(ret);
    }
    // Positions are unique except deadlines, which share an observer's return: ties go by op id.
    entries.sort(Comparator.comparingLong((Entry e) -> e.call ? e.op.callPosition : e.op.deadline)
        .thenComparingInt(e -> e.op.id));
    Entry last = head;
    for (Entry entry : entries) {
      last.next = entry;
      entry.prev = last;
      last = entry;
    }
  }

  private Verdict search() {
    try {
      Entry entry = enterConfiguration();
      while (entry != head) {
        if (entry == null || (!entry.call && entry.op.deadline == LinOp.NEVER)) {
          // Every operation with a deadline is placed or dropped; the rest may never take effect.
          return new Verdict(Result.Outcome.LINEARIZABLE, steps, null, null, null, null, null);
        }
        if (entry.call) {
          LinOp op = entry.op;
          int next = RegisterModel.step(state, op);
          // An optional op that changes nothing is better left pending: it can still be placed later.
          boolean useful = next != RegisterModel.NOT_ALLOWED
              && !(op.optional && (next == state || pendingTwinGoesFirst(entry)));
          if (useful && push(op, next, CHOSEN)) {
            lift(entry);
            entry = enterConfiguration();
          } else {
            entry = entry.next;
          }
        } else if (entry.op.optional) {
          // Its deadline passed and it was not placed: it never took effect.
          if (push(entry.op, state, DROPPED)) {
            lift(entry.match);
            entry = enterConfiguration();
          } else {
            entry = backtrack();
          }
        } else {
          // An operation returned before it was linearized: whatever was chosen last must change.
          if (depth > bestDepth) {
            recordDeepest(entry);
          }
          entry = backtrack();
        }
      }
      return notLinearizable();
    } catch (BudgetSpent e) {
      return unknown(e.getMessage());
    }
  }

  /**
   * Called on reaching a new configuration; returns the entry to scan from. A pending read of the
   * value the register holds now is placed at once, as the only move: if any order completes the
   * history, one with that read first does too (a read changes nothing, and every operation that
   * must precede it has been placed already, or it would not be pending yet).
   */
  private Entry enterConfiguration() {
    while (true) {
      Entry read = pendingReadOfCurrentValue();
      if (read == null) {
        return head.next;
      }
      if (!push(read.op, state, FORCED)) {
        return backtrack(); // Explored before, from another order: it failed there.
      }
      lift(read);
    }
  }

  private Entry pendingReadOfCurrentValue() {
    for (Entry e = head.next; e != null && e.call; e = e.next) {
      if (e.op.f == Op.F.READ && e.op.valueId == state) {
        return e;
      }
    }
    return null;
  }

  /**
   * True if another pending operation with the same effect should be placed instead of this optional
   * one: one that must be placed by an earlier (or the same) deadline. Placing the twin leaves this
   * one pending with more freedom, so orders that place this one first add nothing. Ties go to the
   * operation that is not optional, then to the lower id, so exactly one twin is tried.
   */
  private boolean pendingTwinGoesFirst(Entry entry) {
    LinOp op = entry.op;
    for (Entry e = head.next; e != null && e.call; e = e.next) {
      LinOp twin = e.op;
      if (twin != op && twin.f == op.f && twin.valueId == op.valueId
          && twin.expectedId == op.expectedId && goesBefore(twin, op)) {
        return true;
      }
    }
    return false;
  }

  private static boolean goesBefore(LinOp a, LinOp b) {
    if (a.deadline != b.deadline) {
      return a.deadline < b.deadline;
    }
    if (a.optional != b.optional) {
      return !a.optional;
    }
    return a.id < b.id;
  }

  /**
   * Marks {@code op} placed (or dropped) leading to {@code next}; false if that configuration was
   * reached before. A configuration seen before is never on the current path (sets only grow along
   * it), so it was fully explored without success.
   */
  private boolean push(LinOp op, int next, byte how) {
    if (++steps > stepsMax) {
      throw new BudgetSpent("search stopped after " + stepsMax + " steps (maxStepsPerKey)");
    }
    if (steps % CLOCK_CHECK_EVERY_STEPS == 0 && System.nanoTime() - deadlineNanos > 0) {
      throw new BudgetSpent("search stopped after " + steps + " steps: time budget spent");
    }
    configurations.toggle(op.id);
    if (!configurations.firstVisit(next)) {
      configurations.toggle(op.id);
      return false;
    }
    stackOps[depth] = op.id;
    stackStates[depth] = state;
    stackHow[depth] = how;
    depth++;
    state = next;
    return true;
  }

  /** Undoes the last choice; returns the entry to try next, or {@code head} if none is left. */
  private Entry backtrack() {
    while (depth > 0) {
      depth--;
      state = stackStates[depth];
      configurations.toggle(stackOps[depth]);
      Entry call = callEntries[stackOps[depth]];
      unlift(call);
      if (stackHow[depth] == CHOSEN) {
        return call.next;
      }
      // It was the only move at that point: keep going back.
    }
    return head;
  }

  /** Removes an operation's call and return from the list; {@link #unlift} undoes it (LIFO). */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    call.next.prev = call.prev; // A call always has its return after it.
    Entry ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  private static void unlift(Entry call) {
    Entry ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    call.next.prev = call;
  }

  private void recordDeepest(Entry blockingReturn) {
    bestDepth = depth;
    bestPrefix = new int[depth];
    int placed = 0;
    for (int i = 0; i < depth; i++) {
      if (stackHow[i] != DROPPED) {
        bestPrefix[placed++] = stackOps[i];
      }
    }
    bestPrefix = Arrays.copyOf(bestPrefix, placed);
    bestState = state;
    bestFailed = blockingReturn.op;
    bestPending = new ArrayList<>();
    for (Entry e = head.next; e != blockingReturn; e = e.next) {
      if (e.call) {
        bestPending.add(e.op.source);
      }
    }
  }

  private Verdict notLinearizable() {
    if (bestFailed == null) {
      throw new IllegalStateException("search exhausted without meeting a return: a bug");
    }
    List<Operation> prefix = new ArrayList<>(bestPrefix.length);
    for (int opId : bestPrefix) {
      prefix.add(history.ops[opId].source);
    }
    return new Verdict(Result.Outcome.NOT_LINEARIZABLE, steps, prefix, history.value(bestState),
        bestFailed.source, bestPending, null);
  }

  private Verdict unknown(String why) {
    return new Verdict(Result.Outcome.UNKNOWN, steps, null, null, null, null, why + "; "
        + history.ops.length + " operations, " + depth + " placed on the current path, "
        + configurations.size() + " configurations memoised");
  }

  private static final class BudgetSpent extends RuntimeException {
    BudgetSpent(String message) {
      super(message, null, false, false);
    }
  }
}
