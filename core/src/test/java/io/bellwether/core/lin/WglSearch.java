package io.bellwether.core.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 */
final class WglSearch {

  private static final int CLOCK_CHECK_EVERY_STEPS = 1 << 12;

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
  private final LinearizedSet linearized;
  private final Set<Memo> memo = new HashSet<>();
  private final int[] stackOps;
  private final int[] stackStates;
  private final boolean[] stackDropped;
  private int depth;
  private int state;

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
    this.linearized = new LinearizedSet(n);
    this.stackOps = new int[n];
    this.stackStates = new int[n];
    this.stackDropped = new boolean[n];
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
    // Positions are unique except at deadlines, shared with the observer's return: ties by op id.
    entries.sort(Comparator.comparingLong((Entry e) -> e.call ? e.op.callPosition : e.op.deadline)
        .thenComparing(e -> !e.call)
        .thenComparingInt(e -> e.op.id));
    Entry last = head;
    for (Entry entry : entries) {
      last.next = entry;
      entry.prev = last;
      last = entry;
    }
  }

  private Verdict search() {
    Entry entry = head.next;
    long steps = 0;
    while (true) {
      if (entry == null || (!entry.call && entry.op.deadline == LinOp.NEVER)) {
        // Every operation with a deadline is placed or dropped; the rest may never take effect.
        return new Verdict(Result.Outcome.LINEARIZABLE, steps, null, null, null, null, null);
      }
      if (entry.call) {
        steps++;
        if (steps > stepsMax) {
          return unknown(steps, "search stopped after " + stepsMax + " steps (maxStepsPerKey)");
        }
        if (steps % CLOCK_CHECK_EVERY_STEPS == 0 && System.nanoTime() - deadlineNanos > 0) {
          return unknown(steps, "search stopped after " + steps + " steps: time budget spent");
        }
        LinOp op = entry.op;
        int next = RegisterModel.step(state, op);
        // An optional op that changes nothing is better left pending: it can still be placed later.
        boolean useful = next != RegisterModel.NOT_ALLOWED && !(op.optional && next == state);
        if (useful && push(op, next, false)) {
          lift(entry);
          entry = head.next;
        } else {
          entry = entry.next;
        }
      } else if (entry.op.optional) {
        // Its deadline passed and it was not placed: it never took effect.
        if (push(entry.op, state, true)) {
          lift(entry.match);
          entry = head.next;
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
      if (entry == head) {
        return notLinearizable(steps);
      }
    }
  }

  /** Marks {@code op} placed (or dropped) leading to {@code next}; false if that was seen before. */
  private boolean push(LinOp op, int next, boolean dropped) {
    linearized.toggle(op.id);
    if (!linearized.firstVisit(memo, next)) {
      linearized.toggle(op.id);
      return false;
    }
    stackOps[depth] = op.id;
    stackStates[depth] = state;
    stackDropped[depth] = dropped;
    depth++;
    state = next;
    return true;
  }

  /** Undoes the last choice; returns the entry to try next, or {@code head} if none is left. */
  private Entry backtrack() {
    while (depth > 0) {
      depth--;
      state = stackStates[depth];
      linearized.toggle(stackOps[depth]);
      Entry call = callEntries[stackOps[depth]];
      unlift(call);
      if (!stackDropped[depth]) {
        return call.next;
      }
      // Dropping was the only move at that point: keep going back.
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
      if (!stackDropped[i]) {
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

  private Verdict notLinearizable(long steps) {
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

  private static Verdict unknown(long steps, String why) {
    return new Verdict(Result.Outcome.UNKNOWN, steps, null, null, null, null, why);
  }

  /**
   * One memo entry: which operations are placed, and the register value they left. The set is kept
   * as the words from the first one not full to the last one not empty: the operations before are
   * all placed, so entries stay small however long the history.
   */
  private static final class Memo {
    final long[] words;
    final int from;
    final int to;
    final int lowWord;
    final int state;
    final int hash;

    Memo(long[] words, int from, int to, int lowWord, int state, int hash) {
      this.words = words;
      this.from = from;
      this.to = to;
      this.lowWord = lowWord;
      this.state = state;
      this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Memo m && m.hash == hash && m.state == state && m.lowWord == lowWord
          && Arrays.equals(m.words, m.from, m.to, words, from, to);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** A bit set that keeps its hash and its first non-full and last non-empty words up to date. */
  private static final class LinearizedSet {
    final long[] words;
    long hash;
    int lowWord;
    int highWord = -1;

    LinearizedSet(int size) {
      words = new long[(size + 63) >>> 6];
    }

    void toggle(int id) {
      int w = id >>> 6;
      words[w] ^= 1L << id;
      hash ^= mix(id + 1L);
      if (words[w] != -1L && w < lowWord) {
        lowWord = w;
      }
      while (lowWord < words.length && words[lowWord] == -1L) {
        lowWord++;
      }
      if (words[w] != 0 && w > highWord) {
        highWord = w;
      }
      while (highWord >= 0 && words[highWord] == 0) {
        highWord--;
      }
    }

    /** Adds (this set, state) to the memo; false if it was there: that branch was explored. */
    boolean firstVisit(Set<Memo> memo, int state) {
      long h = hash ^ mix(~(long) state);
      int memoHash = (int) (h ^ (h >>> 32));
      int to = Math.max(lowWord, highWord + 1);
      if (memo.contains(new Memo(words, lowWord, to, lowWord, state, memoHash))) {
        return false;
      }
      long[] copy = Arrays.copyOfRange(words, lowWord, to);
      memo.add(new Memo(copy, 0, copy.length, lowWord, state, memoHash));
      return true;
    }

    /** SplitMix64 finaliser: spreads the bits of small integers over the whole word. */
    private static long mix(long x) {
      x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
      x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
      return x ^ (x >>> 31);
    }
  }
}
