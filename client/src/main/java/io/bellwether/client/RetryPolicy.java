package io.bellwether.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long {@link BellwetherClient} keeps trying one call: at most {@code maxAttempts} attempts and no
 * new attempt after {@code deadline} from the call's start; between attempts it waits an exponential
 * backoff (from {@code initialBackoff}, doubling, at most {@code maxBackoff}) with jitter: a random
 * wait between half the backoff and all of it, so clients that failed together do not retry together.
 * Immutable.
 */
public record RetryPolicy(int maxAttempts, Duration deadline, Duration initialBackoff, Duration maxBackoff) {

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (deadline.isNegative() || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retry durations must be >= 0 with maxBackoff >= initialBackoff: " + deadline
          + ", " + initialBackoff + ", " + maxBackoff);
    }
  }

  /** 10 attempts within 30 s, backoff from 50 ms to 2 s: rides out an election or a restarting node. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(10, Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofSeconds(2));
  }

  /** One attempt, no retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (>= 1) failed. */
  Duration backoff(int attempt) {
    long initial = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    long full = initial << Math.min(attempt - 1, 30);
    if (full <= 0 || full > cap) full = cap;
    long half = full / 2;
    return Duration.ofNanos(half + (full - half == 0 ? 0 : ThreadLocalRandom.current().nextLong(full - half + 1)));
  }
}
