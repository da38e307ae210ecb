package io.bellwether.testkit.sim;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.kv.KvQueryResult;
import io.bellwether.core.runtime.QueryResult;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks stale reads on their own terms. They are not linearizable by design, so they stay out of
 * the history; instead a stale read must never return a value no one tried to write, nor one whose
 * write certainly failed, never be served below its {@code minIndex} (read-your-writes), and never
 * show a version past the applied index it reports.
 */
final class StaleReads {

  /** Values some write or compare-and-set tried to write, and those that certainly failed. */
  private final Set<String> attemptedValues = new HashSet<>();
  private final Set<String> failedValues = new HashSet<>();
  private int checked;

  void attempted(String value) {
    attemptedValues.add(value);
  }

  void certainlyFailed(String value) {
    failedValues.add(value);
  }

  /** The stale read's verdict: null if it keeps every rule, else the failure to report. */
  SimFailure check(String key, long minIndex, QueryResult result, Throwable error) {
    if (error != null) {
      // A node that could not reach minIndex in time says so: that is allowed.
      return error instanceof RequestFailedException
          ? null
          : new SimFailure("stale read of " + key + " failed unexpectedly: " + error, error);
    }
    checked++;
    KvQueryResult.GetResult get = (KvQueryResult.GetResult) KvQueryResult.decode(result.result());
    String value = get.found() ? new String(get.value(), StandardCharsets.UTF_8) : null;
    String where = "stale read of " + key + " on " + result.servedBy() + " (minIndex " + minIndex
        + ", applied " + result.appliedIndex() + ") returned " + value + "@" + get.version();
    if (result.appliedIndex() < minIndex) return new SimFailure(where + ": served below its minIndex");
    if (get.version() > result.appliedIndex()) return new SimFailure(where + ": a version past the applied index");
    if (value != null && !attemptedValues.contains(value)) return new SimFailure(where + ": a value nobody wrote");
    if (value != null && failedValues.contains(value)) {
      return new SimFailure(where + ": a value whose write certainly failed");
    }
    return null;
  }

  int checked() {
    return checked;
  }
}
