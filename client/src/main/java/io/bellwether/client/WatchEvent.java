package io.bellwether.client;

import java.nio.charset.StandardCharsets;

/**
 * One change of one key, as a watch delivers it. Immutable (do not change the value array).
 *
 * @param type {@link Type#PUT} or {@link Type#DELETE}
 * @param value a put's new value; null for a delete
 * @param version a put's new version, or the version a delete removed
 * @param index the log index of the change (several changes may share one: a lease's end)
 * @param lease the key's lease, 0 for none
 * @param cause a delete's cause ({@code delete}, {@code lease_expired}, {@code lease_revoked}); null for a put
 * @param id the event id: the position to resume after ({@link WatchRequest#resumeAfter})
 */
public record WatchEvent(Type type, String key, byte[] value, long version, long index, long lease, String cause,
    String id) {

  /** What happened to the key. */
  public enum Type { PUT, DELETE }

  /** The value as UTF-8 text; null for a delete. */
  public String valueAsString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return type + " " + key + " v" + version + " @" + index + (cause == null ? "" : " (" + cause + ")") + " id " + id;
  }
}
