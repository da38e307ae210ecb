package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of one key, ready for the search: register values interned to integers (0 =
 * absent), operations numbered in call order, and a deadline for each indeterminate operation.
 *
 * <p>An indeterminate write, cas or delete may take effect at any point after its call, or never.
 * Left like that, it stays pending to the end of the history and the search grows exponentially with
 * the number of such operations. What an operation writes only matters to the operations that observe
 * that value (reads returning it, cas expecting it) and are placed after its call (before they
 * returned or, if indeterminate themselves, before their own deadline), so:
 * <ul>
 *   <li>nobody observes it: drop it. If a linearization places it, removing it leaves one (the next
 *       operation that depends on the register overwrites it unconditionally), and "never took
 *       effect" is always allowed;
 *   <li>it is the only writer of its value and a completed operation observes that value: it must
 *       take effect, before the first such observer returned (deadline, not optional);
 *   <li>otherwise it may be placed until the last observer's deadline, or dropped there (optional):
 *       placed any later, nobody would see it, which is the same as never.
 * </ul>
 */
final class KeyHistory {

  private static final int DEADLINE_ROUNDS_MAX = 8;

  final String key;
  final LinOp[] ops;
  /** Value by interned id; index 0 is absent ({@code null}). */
  final List<String> values;

  private KeyHistory(String key, LinOp[] ops, List<String> values) {
    this.key = key;
    this.ops = ops;
    this.values = values;
  }

  /** @param opsInCallOrder the operations of {@code key}, ordered by call position */
  static KeyHistory of(String key, List<LinOp> opsInCallOrder) {
    Map<String, List<LinOp>> observersByValue = new HashMap<>();
    Map<String, Integer> writersByValue = new HashMap<>();
    for (LinOp op : opsInCallOrder) {
      if (op.f == Op.F.READ) {
        observersByValue.computeIfAbsent(op.value, v -> new ArrayList<>()).add(op);
      } else if (op.f == Op.F.CAS) {
        observersByValue.computeIfAbsent(op.expected, v -> new ArrayList<>()).add(op);
      }
      if (op.writes() && op.value != null) {
        writersByValue.merge(op.value, 1, Integer::sum);
      }
    }

    // Deadlines depend on the deadlines of indeterminate observers (a cas may observe a value and
    // itself time out), so tighten them from "never" until nothing changes. Each round only uses
    // bounds already shown safe, so every intermediate result is safe too.
    List<LinOp> indeterminate = new ArrayList<>();
    for (LinOp op : opsInCallOrder) {
      if (op.indeterminate()) {
        op.deadline = LinOp.NEVER;
        op.optional = true;
        indeterminate.add(op);
      }
    }
    Collections.reverse(indeterminate); // Chains of cas mostly point forward in time.
    for (int round = 0; round < DEADLINE_ROUNDS_MAX; round++) {
      boolean changed = false;
      for (LinOp op : indeterminate) {
        if (!op.dropped) {
          changed |= tightenDeadline(op, observersByValue, writersByValue);
        }
      }
      if (!changed) {
        break;
      }
    }

    List<LinOp> kept = new ArrayList<>(opsInCallOrder.size());
    for (LinOp op : opsInCallOrder) {
      if (!op.dropped) {
        kept.add(op);
      }
    }

    List<String> values = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    values.add(null);
    LinOp[] ops = kept.toArray(new LinOp[0]);
    for (int i = 0; i < ops.length; i++) {
      LinOp op = ops[i];
      op.id = i;
      op.valueId = intern(op.value, values, ids);
      op.expectedId = intern(op.expected, values, ids);
    }
    return new KeyHistory(key, ops, Collections.unmodifiableList(values));
  }

  /** Recomputes the deadline of an indeterminate operation, or drops it; true if that changed. */
  private static boolean tightenDeadline(LinOp op, Map<String, List<LinOp>> observersByValue,
      Map<String, Integer> writersByValue) {
    String written = op.f == Op.F.DELETE ? null : op.value;
    long firstCompletedObserverReturn = LinOp.NEVER;
    long lastObserverDeadline = -1;
    for (LinOp observer : observersByValue.getOrDefault(written, List.of())) {
      if (observer == op || observer.dropped || observer.deadline <= op.callPosition) {
        continue; // Placed before op was called, or never: it cannot have seen op.
      }
      lastObserverDeadline = Math.max(lastObserverDeadline, observer.deadline);
      if (!observer.indeterminate()) {
        firstCompletedObserverReturn = Math.min(firstCompletedObserverReturn, observer.deadline);
      }
    }
    long oldDeadline = op.deadline;
    boolean oldOptional = op.optional;
    if (lastObserverDeadline < 0) {
      op.dropped = true;
      return true;
    }
    boolean onlyWriter = written != null && writersByValue.get(written) == 1;
    if (onlyWriter && firstCompletedObserverReturn != LinOp.NEVER) {
      op.deadline = firstCompletedObserverReturn;
      op.optional = false;
    } else {
      op.deadline = lastObserverDeadline;
      op.optional = true;
    }
    return op.deadline != oldDeadline || op.optional != oldOptional;
  }

  private static int intern(String value, List<String> values, Map<String, Integer> ids) {
    if (value == null) {
      return 0;
    }
    return ids.computeIfAbsent(value, v -> {
      values.add(v);
      return values.size() - 1;
    });
  }

  String value(int id) {
    return values.get(id);
  }
}
