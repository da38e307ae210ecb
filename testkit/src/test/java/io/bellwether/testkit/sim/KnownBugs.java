package io.bellwether.testkit.sim;

import java.util.List;
import java.util.Optional;

/**
 * Bugs the simulation found in main code that are not fixed yet. A sweep run that fails with one of
 * these signatures is reported as skipped ("known bug"), not failed, so the build stays green while
 * the sweep goes on looking for new bugs. Each has a disabled test in {@link SimRegressionTest}:
 * when the bug is fixed, delete its entry here and enable the test.
 */
final class KnownBugs {

  /** An open bug: what it is, the test that reproduces it, and text its failures contain. */
  record KnownBug(String summary, String regressionTest, List<String> signatures) {}

  /** None open: the last one (RaftLog.installSnapshot keeping unstableFrom) is fixed. */
  static final List<KnownBug> OPEN = List.of();

  private KnownBugs() {}

  /** The open bug a failure is a sign of, if any. */
  static Optional<KnownBug> matching(String failure) {
    if (failure == null) return Optional.empty();
    return OPEN.stream()
        .filter(bug -> bug.signatures().stream().anyMatch(failure::contains))
        .findFirst();
  }
}
