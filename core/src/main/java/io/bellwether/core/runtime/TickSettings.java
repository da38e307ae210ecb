package io.bellwether.core.runtime;

import io.bellwether.core.engine.RaftConfig;
import java.time.Duration;

/**
 * The tick length a node runs with, and the engine settings that say the same tick: what {@link
 * RaftNode.Builder#build()} settles from the tick and the engine settings it was given, either or
 * both.
 *
 * <p>Its own type because the two must agree and it is easy to let them drift: the engine tells its
 * peers, in every heartbeat, the tick its lease is sized from, and a follower acknowledges the lease
 * only if its own promise lasts as long. So one follows the other when only one is given, and a
 * disagreement is refused, naming both values, rather than resolved by picking one.
 *
 * @param tick the length of one tick, a whole number of microseconds
 * @param raftConfig the engine settings, whose {@link RaftConfig#tickMicros()} is {@code tick}
 */
record TickSettings(Duration tick, RaftConfig raftConfig) {

  /**
   * @param tick the tick the builder was given, or null
   * @param raftConfig the engine settings the builder was given, or null ({@link
   *     RaftConfig#DEFAULT})
   * @throws IllegalArgumentException if the tick is not a positive whole number of microseconds, or
   *     disagrees with {@code raftConfig}
   */
  static TickSettings resolve(Duration tick, RaftConfig raftConfig) {
    if (tick != null) {
      require(!tick.isNegative() && !tick.isZero(), "tick must be positive: " + tick);
      require(tick.toNanos() % 1_000 == 0, "tick must be a whole number of microseconds: " + tick);
    }
    if (raftConfig == null) {
      return tick == null
          ? new TickSettings(Duration.ofNanos(RaftConfig.DEFAULT.tickMicros() * 1_000), RaftConfig.DEFAULT)
          : new TickSettings(tick, RaftConfig.DEFAULT.withTickMicros(tick.toNanos() / 1_000));
    }
    if (tick == null) return new TickSettings(Duration.ofNanos(raftConfig.tickMicros() * 1_000), raftConfig);
    require(tick.toNanos() / 1_000 == raftConfig.tickMicros(),
        "tick " + tick.toNanos() / 1_000 + "us (Builder.tick) and RaftConfig.tickMicros "
            + raftConfig.tickMicros() + "us disagree: the engine tells its peers the tick its "
            + "lease is sized from, so it must be the tick the node really runs; set one of "
            + "them, or both to the same value");
    return new TickSettings(tick, raftConfig);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
