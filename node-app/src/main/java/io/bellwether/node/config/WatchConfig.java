package io.bellwether.node.config;

import io.bellwether.core.spi.Settings;
import java.time.Duration;

/**
 * The watch history's bounds and the heartbeat of watch streams.
 *
 * @param historyChanges the most recent changes kept for watchers to start from or resume at
 * @param historyBytes about the most bytes of keys and values kept in that history
 * @param heartbeat how often an idle watch stream gets a heartbeat (with its resume position)
 * @param maxStreams how many watch streams a node serves at once; beyond, a new one gets 429
 */
public record WatchConfig(int historyChanges, long historyBytes, Duration heartbeat, int maxStreams) {

  /** 100 000 changes: at 10 000 writes/s, ten seconds of history to resume from. */
  public static final int DEFAULT_HISTORY_CHANGES = 100_000;
  /** 32 MiB: an eighth of the launcher's default heap. */
  public static final long DEFAULT_HISTORY_BYTES = 32L << 20;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
  /** Each stream costs a connection, a timer and a cursor: bounded so clients cannot exhaust a node. */
  public static final int DEFAULT_MAX_STREAMS = 10_000;

  static WatchConfig from(Settings s) {
    int changes = s.getInt(SettingKeys.WATCH_HISTORY_CHANGES, DEFAULT_HISTORY_CHANGES, 1, 10_000_000);
    long bytes = s.getLong(SettingKeys.WATCH_HISTORY_BYTES, DEFAULT_HISTORY_BYTES, 1 << 16, 1L << 34);
    Duration heartbeat = s.getDuration(SettingKeys.WATCH_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT);
    if (heartbeat.compareTo(Duration.ofMillis(100)) < 0 || heartbeat.compareTo(Duration.ofMinutes(5)) > 0) {
      throw ConfigException.invalid(SettingKeys.WATCH_HEARTBEAT_INTERVAL,
          s.get(SettingKeys.WATCH_HEARTBEAT_INTERVAL).orElse(""), "a duration from 100ms to 5m");
    }
    int maxStreams = s.getInt(SettingKeys.WATCH_MAX_STREAMS, DEFAULT_MAX_STREAMS, 1, 1_000_000);
    return new WatchConfig(changes, bytes, heartbeat, maxStreams);
  }

  /** A stalled watcher may fall this far behind: half the history, so it closes while it can resume. */
  public long maxStalledLag() {
    return Math.max(1, historyChanges / 2);
  }
}
