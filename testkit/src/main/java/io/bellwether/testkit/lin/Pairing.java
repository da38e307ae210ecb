package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a list of events into operations: orders the events by time (ties keep history order), pairs
 * each invocation with the next completion of its process, and drops what cannot constrain the
 * search: failed operations (they did not take effect) and reads whose result is unknown.
 */
final class Pairing {

  private Pairing() {}

  /**
   * @throws IllegalArgumentException if the history is malformed: a completion without invocation,
   *     a second invocation by a process that is still waiting, or a completion that does not match
   *     its invocation.
   */
  static List<LinOp> pair(List<Op> events) {
    Integer[] order = new Integer[events.size()];
    Arrays.setAll(order, i -> i);
    // Arrays.sort on objects is stable, so equal times keep the order of the history.
    Arrays.sort(order, Comparator.comparingLong(i -> events.get(i).time()));

    Map<Integer, Pending> pending = new HashMap<>();
    List<LinOp> ops = new ArrayList<>();
    for (int position = 0; position < order.length; position++) {
      Op event = events.get(order[position]);
      if (event.type() == Op.Type.INVOKE) {
        validateInvocation(event);
        Pending previous = pending.put(event.process(), new Pending(event, position));
        if (previous != null) {
          throw new IllegalArgumentException("process " + event.process() + " invoked " + event
              + " while " + previous.invoke + " has not completed; a process that gets no answer"
              + " must continue under a new process id");
        }
        continue;
      }
      Pending invoked = pending.remove(event.process());
      if (invoked == null) {
        throw new IllegalArgumentException("completion without invocation: " + event);
      }
      if (invoked.invoke.f() != event.f() || !invoked.invoke.key().equals(event.key())) {
        throw new IllegalArgumentException(
            "completion " + event + " does not match invocation " + invoked.invoke);
      }
      LinOp op = operation(new Operation(invoked.invoke, event), invoked.position, position);
      if (op != null) {
        ops.add(op);
      }
    }
    for (Pending invoked : pending.values()) {
      LinOp op = operation(new Operation(invoked.invoke, null), invoked.position, 0);
      if (op != null) {
        ops.add(op);
      }
    }
    ops.sort(Comparator.comparingLong(op -> op.callPosition));
    return ops;
  }

  /** The operation to check, or null if it cannot take part in a linearization. */
  private static LinOp operation(Operation operation, long callPosition, long returnPosition) {
    Op invoke = operation.invoke();
    if (!operation.indeterminate()) {
      if (operation.completion().type() == Op.Type.FAIL) {
        return null;
      }
      String value = invoke.f() == Op.F.READ ? operation.completion().value() : invoke.value();
      return new LinOp(operation, value, callPosition, returnPosition);
    }
    if (invoke.f() == Op.F.READ) {
      return null; // An unknown read result constrains nothing.
    }
    return new LinOp(operation, invoke.value(), callPosition, LinOp.NEVER);
  }

  private static void validateInvocation(Op invoke) {
    if ((invoke.f() == Op.F.WRITE || invoke.f() == Op.F.CAS) && invoke.value() == null) {
      throw new IllegalArgumentException("a write or cas needs a value (delete makes absent): " + invoke);
    }
  }

  private record Pending(Op invoke, int position) {}
}
