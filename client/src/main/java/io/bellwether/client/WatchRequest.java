package io.bellwether.client;

/**
 * What to watch and from where; see {@link BellwetherClient#watch}. Immutable. Start with {@link
 * #prefix} or {@link #key}, then optionally {@link #fromIndex} or {@link #resumeAfter}.
 *
 * @param key one key to watch, or null
 * @param prefix the prefix to watch when {@code key} is null ("" for every key)
 * @param fromIndex every change of log index >= this (0: the changes applied after the watch connects)
 * @param resumeAfter an event id (a {@link WatchEvent#id()} or {@link Watch#lastEventId()}) to resume
 *     after, or null; wins over {@code fromIndex}
 */
public record WatchRequest(String key, String prefix, long fromIndex, String resumeAfter) {

  public WatchRequest {
    if ((key == null) == (prefix == null)) throw new IllegalArgumentException("give a key or a prefix, exactly one");
    if (key != null && key.isEmpty()) throw new IllegalArgumentException("key must not be empty");
    if (fromIndex < 0) throw new IllegalArgumentException("fromIndex must be >= 0, got " + fromIndex);
    if (resumeAfter != null) WatchPosition.parse(resumeAfter);
  }

  /** Every key starting with {@code prefix} ("" for all keys). */
  public static WatchRequest prefix(String prefix) {
    return new WatchRequest(null, prefix, 0, null);
  }

  /** One key. */
  public static WatchRequest key(String key) {
    return new WatchRequest(key, null, 0, null);
  }

  /** Starting with the changes of log index {@code index} (>= 1). */
  public WatchRequest fromIndex(long index) {
    if (index < 1) throw new IllegalArgumentException("fromIndex must be >= 1, got " + index);
    return new WatchRequest(key, prefix, index, resumeAfter);
  }

  /** Resuming after the event (or heartbeat) id {@code eventId}. */
  public WatchRequest resumeAfter(String eventId) {
    return new WatchRequest(key, prefix, fromIndex, eventId);
  }
}
