package io.bellwether.node.e2e;

import io.bellwether.core.lin.History;
import io.bellwether.core.lin.LinearizabilityChecker;
import io.bellwether.core.lin.Result;

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

  static Verdict check(History history) {
    Result result = LinearizabilityChecker.check(history);
    return new Verdict(result.outcome().toString(), result.toString());
  }
}
