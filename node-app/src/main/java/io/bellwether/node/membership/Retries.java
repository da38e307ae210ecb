package io.bellwether.node.membership;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks one of several nodes something until one says yes: each attempt goes to the next URL (so a
 * dead node costs one attempt, not the whole wait), and the pause between attempts doubles from
 * 100 ms to 2 s, so a cluster in the middle of an election is not flooded.
 */
final class Retries {

  private static final Logger LOG = LoggerFactory.getLogger(Retries.class);
  static final long FIRST_PAUSE_MS = 100;
  static final long MAX_PAUSE_MS = 2_000;

  /** What one attempt found: done (with a value), worth another attempt, or hopeless. */
  record Step<T>(T value, String retry, String fatal) {
    static <T> Step<T> done(T value) {
      return new Step<>(value, null, null);
    }

    static <T> Step<T> retry(String why) {
      return new Step<>(null, why, null);
    }

    static <T> Step<T> fatal(String why) {
      return new Step<>(null, null, why);
    }
  }

  /** One attempt against one node. */
  @FunctionalInterface
  interface Attempt<T> {
    Step<T> ask(URI node) throws IOException, InterruptedException;
  }

  private Retries() {}

  /**
   * Runs {@code attempt} against {@code urls} in turn until it is done, it is hopeless, the deadline
   * passes, or {@code stop} says so.
   *
   * @param what what is being asked, for messages ("adding n4 to the cluster")
   * @param deadlineNanos a {@link System#nanoTime()} value, or null for none
   * @throws JoinException saying what was asked and the last answer, when hopeless or out of time
   * @throws InterruptedException when interrupted while waiting (or when {@code stop} said so)
   */
  static <T> T until(String what, List<URI> urls, Long deadlineNanos, BooleanSupplier stop, Attempt<T> attempt)
      throws JoinException, InterruptedException {
    String last = "no answer yet";
    for (int n = 0; ; n++) {
      if (stop.getAsBoolean()) throw new InterruptedException(what + ": stopped");
      URI url = urls.get(n % urls.size());
      Step<T> step;
      try {
        step = attempt.ask(url);
      } catch (IOException e) {
        step = Step.retry(e.toString());
      }
      if (step.fatal() != null) throw new JoinException(what + " failed (asking " + url + "): " + step.fatal());
      if (step.retry() == null) return step.value();
      last = url + ": " + step.retry();
      long pauseMs = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS << Math.min(n, 10));
      if (deadlineNanos != null && System.nanoTime() + pauseMs * 1_000_000 - deadlineNanos > 0) {
        throw new JoinException(what + " did not succeed in time; the last answer: " + last);
      }
      // The first few and then every 15th: a learner catching up for minutes need not fill the log.
      if (n < 3 || n % 15 == 0) LOG.info("{}: not yet ({}); asking again in {} ms", what, last, pauseMs);
      Thread.sleep(pauseMs);
    }
  }
}
