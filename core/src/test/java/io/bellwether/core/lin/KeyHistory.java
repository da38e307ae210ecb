package io.bellwether.core.lin;

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
 * that value (reads returning it, cas expecting it) and return after its call, so:
 * <ul>
 *   <li>nobody observes it: drop it. If a linearization places it, removing it leaves one (the next
 *       operation that depends on the register overwrites it unconditionally), and "never took
 *       effect" is always allowed;
 *   <li>it is the only writer of its value and a completed operation observes that value: it must
 *       take effect, before the first such observer returned (deadline, not optional);
 *   <li>otherwise it may be placed until the last observer returned, or dropped there (optional):
 *       placed any later, nobody would see it, which is the same as never.
 * </ul>
 */
final class KeyHistory {

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

    List<LinOp> kept = new ArrayList<>(opsInCallOrder.size());
    for (LinOp op : opsInCallOrder) {
      if (!op.indeterminate() || setDeadline(op, observersByValue, writersByValue)) {
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

  /** Sets the deadline of an indeterminate operation; false if it can be dropped. */
  private static boolean setDeadline(LinOp op, Map<String, List<LinOp>> observersByValue,
      Map<String, Integer> writersByValue) {
    String written = op.f == Op.F.DELETE ? null : op.value;
    long firstCompletedObserverReturn = LinOp.NEVER;
    long lastObserverReturn = -1;
    for (LinOp observer : observersByValue.getOrDefault(written, List.of())) {
      if (observer == op || observer.returnPosition <= op.callPosition) {
        continue; // Returned before op was called: it saw another writer (or nothing).
      }
      lastObserverReturn = Math.max(lastObserverReturn, observer.returnPosition);
      if (!observer.indeterminate()) {
        firstCompletedObserverReturn = Math.min(firstCompletedObserverReturn, observer.returnPosition);
      }
    }
    if (lastObserverReturn < 0) {
      return false;
    }
    boolean onlyWriter = written != null && writersByValue.get(written) == 1;
    if (onlyWriter && firstCompletedObserverReturn != LinOp.NEVER) {
      op.deadline = firstCompletedObserverReturn;
      op.optional = false;
    } else {
      op.deadline = lastObserverReturn;
      op.optional = true;
    }
    return true;
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
