package io.bellwether.core.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Immutable string settings handed to providers (for example {@code transport.vertx.eventLoops=1}),
 * with typed getters that fail with a message naming the setting and its value.
 */
public final class Settings {

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  /** A copy with {@code key} set to {@code value}. */
  public Settings with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(values);
    copy.put(key, value);
    return new Settings(copy);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key)).map(String::trim);
  }

  public String getString(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /**
   * The integer at {@code key}, or {@code defaultValue} when absent.
   *
   * @throws IllegalArgumentException naming the setting when the value is not an integer in
   *     {@code [min, max]}
   */
  public int getInt(String key, int defaultValue, int min, int max) {
    return (int) getLong(key, defaultValue, min, max);
  }

  /** Like {@link #getInt} for longs. */
  public long getLong(String key, long defaultValue, long min, long max) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) return defaultValue;
    long value;
    try {
      value = Long.parseLong(raw.get());
    } catch (NumberFormatException e) {
      throw invalid(key, raw.get(), "an integer");
    }
    if (value < min || value > max) throw invalid(key, raw.get(), "between " + min + " and " + max);
    return value;
  }

  /**
   * A duration written as milliseconds ({@code 250}, {@code 250ms}), seconds ({@code 2s}), minutes
   * ({@code 5m}), hours ({@code 1h}) or days ({@code 1d}).
   */
  public Duration getDuration(String key, Duration defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) return defaultValue;
    String text = raw.get().toLowerCase(java.util.Locale.ROOT);
    try {
      if (text.endsWith("ms")) return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      if (text.endsWith("s")) return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
      if (text.endsWith("m")) return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      if (text.endsWith("h")) return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
      if (text.endsWith("d")) return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
      return Duration.ofMillis(Long.parseLong(text));
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(key, raw.get(), "a duration such as 250ms, 2s, 5m, 1h or 1d");
    }
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) return defaultValue;
    return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw invalid(key, raw.get(), "true or false");
    };
  }

  /** Every setting whose key starts with {@code prefix}. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) out.put(k, v);
    });
    return out;
  }

  public Map<String, String> asMap() {
    return values;
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException(
        "setting '" + key + "' has value '" + value + "'; expected " + expected);
  }

  @Override
  public String toString() {
    return new TreeMap<>(values).toString();
  }
}
