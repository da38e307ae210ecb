package io.bellwether.node.e2e;

import io.bellwether.testkit.lin.History;
import io.bellwether.testkit.lin.LinearizabilityChecker;
import io.bellwether.testkit.lin.Result;

/**
 * Runs core's linearizability checker ({@code io.bellwether.testkit.lin}, from the testkit module) on a
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
