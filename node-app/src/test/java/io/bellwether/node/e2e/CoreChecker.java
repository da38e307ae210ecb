package io.bellwether.node.e2e;

import io.bellwether.core.lin.History;
import io.bellwether.core.lin.LinearizabilityChecker;
import io.bellwether.core.lin.Op;
import io.bellwether.core.lin.Result;
import java.util.List;

/**
 * Runs core's linearizability checker ({@code io.bellwether.core.lin}, from core's test-jar) on a
 * history recorded over HTTP, and answers its verdict.
 */
final class CoreChecker {

  /** The verdict: {@code outcome} is LINEARIZABLE, NOT_LINEARIZABLE or UNKNOWN. */
  record Verdict(String outcome, String explanation) {
    boolean linearizable() {
      return outcome.equals("LINEARIZABLE");
    }
  }

  private CoreChecker() {}

  static Verdict check(List<ClientHistory.Event> events) {
    List<Op> ops = events.stream()
        .map(e -> new Op(e.process(), Op.Type.valueOf(e.type().name()), Op.F.valueOf(e.f().name()),
            e.key(), e.value(), e.expected(), e.time(), e.node(), e.error()))
        .toList();
    Result result = LinearizabilityChecker.check(History.of(ops));
    return new Verdict(result.outcome().toString(), result.toString());
  }
}
