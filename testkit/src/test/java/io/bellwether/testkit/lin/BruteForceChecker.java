package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The definition of linearizability, checked by trying every order: the reference the fast checker
 * is compared with. Only for histories of a few operations on one key. Events must be in time order.
 */
final class BruteForceChecker {

  private record Call(Op invoke, String result, long call, long ret, boolean mayNeverHappen) {}

  private final List<Call> calls;
  private final boolean[] placed;

  private BruteForceChecker(List<Call> calls) {
    this.calls = calls;
    this.placed = new boolean[calls.size()];
  }

  static boolean isLinearizable(List<Op> events) {
    return new BruteForceChecker(calls(events)).extend(null);
  }

  /** True if the operations not placed yet can follow, starting from register value {@code value}. */
  private boolean extend(String value) {
    boolean allRequiredPlaced = true;
    for (int i = 0; i < calls.size(); i++) {
      if (!placed[i] && !calls.get(i).mayNeverHappen) {
        allRequiredPlaced = false;
      }
    }
    if (allRequiredPlaced) {
      return true;
    }
    for (int i = 0; i < calls.size(); i++) {
      if (placed[i] || !mayGoNext(i)) {
        continue;
      }
      Call c = calls.get(i);
      if (!allows(c, value)) {
        continue;
      }
      placed[i] = true;
      boolean ok = extend(after(c, value));
      placed[i] = false;
      if (ok) {
        return true;
      }
    }
    return false;
  }

  /** No operation still to place returned before {@code i} was called. */
  private boolean mayGoNext(int i) {
    for (int j = 0; j < calls.size(); j++) {
      if (!placed[j] && j != i && calls.get(j).ret < calls.get(i).call) {
        return false;
      }
    }
    return true;
  }

  private static boolean allows(Call c, String value) {
    return switch (c.invoke.f()) {
      case READ -> Objects.equals(c.result, value);
      case CAS -> Objects.equals(c.invoke.expected(), value);
      case WRITE, DELETE -> true;
    };
  }

  private static String after(Call c, String value) {
    return switch (c.invoke.f()) {
      case READ -> value;
      case WRITE, CAS -> c.invoke.value();
      case DELETE -> null;
    };
  }

  private static List<Call> calls(List<Op> events) {
    Map<Integer, Integer> open = new HashMap<>();
    Map<Integer, Integer> completionIndexes = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      Op e = events.get(i);
      if (e.type() == Op.Type.INVOKE) {
        open.put(e.process(), i);
      } else {
        completionIndexes.put(open.remove(e.process()), i);
      }
    }
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Op e = events.get(i);
      if (e.type() != Op.Type.INVOKE) {
        continue;
      }
      Integer doneIndex = completionIndexes.get(i);
      Op done = doneIndex == null ? null : events.get(doneIndex);
      long ret = Long.MAX_VALUE;
      boolean unknown = done == null || done.type() == Op.Type.INFO;
      if (done != null && done.type() == Op.Type.FAIL) {
        continue;
      }
      if (unknown && e.f() == Op.F.READ) {
        continue;
      }
      if (!unknown) {
        ret = doneIndex;
      }
      String result = e.f() == Op.F.READ && done != null ? done.value() : null;
      calls.add(new Call(e, result, i, ret, unknown));
    }
    return calls;
  }
}
