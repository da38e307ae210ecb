package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Breaks a history in a way that is certainly not linearizable: one successful read is changed to
 * return a stale value. The value is that of a write W1 that completed before another effective
 * write or delete W2 was invoked, and W2 completed before the read was invoked; values being unique,
 * the register can never hold W1's value again once W2 took effect.
 */
final class StaleReadMutation {

  /** The broken history, and the read completion that was changed (before and after). */
  record Mutated(History history, String key, Op originalRead, Op staleRead) {}

  private record Call(int invokeIndex, int completionIndex, Op invoke, Op completion) {}

  private StaleReadMutation() {}

  /**
   * Mutates the first suitable read invoked in the second half of the history; empty if none. Needs
   * unique values and events in time order, as {@link RegisterSimulation} makes them.
   */
  static Optional<Mutated> of(History history) {
    List<Op> events = history.ops();
    List<Call> calls = calls(events);
    for (Call read : calls) {
      if (read.invoke.f() != Op.F.READ || read.completion.type() != Op.Type.OK
          || read.invokeIndex < events.size() / 2) {
        continue;
      }
      Call overwrite = latestInvoked(calls, read.invoke.key(), read.invokeIndex, true);
      if (overwrite == null) {
        continue;
      }
      Call stale = latestInvoked(calls, read.invoke.key(), overwrite.invokeIndex, false);
      if (stale == null) {
        continue;
      }
      List<Op> mutated = new ArrayList<>(events);
      Op staleRead = read.completion.withValue(stale.invoke.value());
      mutated.set(read.completionIndex, staleRead);
      return Optional.of(
          new Mutated(History.of(mutated), read.invoke.key(), read.completion, staleRead));
    }
    return Optional.empty();
  }

  /**
   * Among operations on {@code key} that completed OK before {@code beforeIndex}: the one invoked
   * last that is an effective write, delete or cas ({@code anyEffect}), or a plain write.
   */
  private static Call latestInvoked(List<Call> calls, String key, int beforeIndex, boolean anyEffect) {
    Call latest = null;
    for (Call call : calls) {
      boolean effect = call.invoke.f() == Op.F.WRITE
          || (anyEffect && (call.invoke.f() == Op.F.DELETE || call.invoke.f() == Op.F.CAS));
      if (effect && call.invoke.key().equals(key) && call.completion.type() == Op.Type.OK
          && call.completionIndex < beforeIndex
          && (latest == null || call.invokeIndex > latest.invokeIndex)) {
        latest = call;
      }
    }
    return latest;
  }

  private static List<Call> calls(List<Op> events) {
    Map<Integer, Integer> open = new HashMap<>();
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      Op event = events.get(i);
      if (event.type() == Op.Type.INVOKE) {
        open.put(event.process(), i);
      } else {
        int invokeIndex = open.remove(event.process());
        calls.add(new Call(invokeIndex, i, events.get(invokeIndex), event));
      }
    }
    calls.sort((a, b) -> Integer.compare(a.invokeIndex, b.invokeIndex));
    return calls;
  }
}
