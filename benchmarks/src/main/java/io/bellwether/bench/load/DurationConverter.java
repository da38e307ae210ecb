package io.bellwether.bench.load;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code 250ms}, {@code 30s}, {@code 1.5s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601. */
public final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** See the class comment; throws {@link TypeConversionException} with the accepted forms. */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("pt")) return Duration.parse(v.toUpperCase(Locale.ROOT));
    Matcher m = SIMPLE.matcher(v);
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration (examples: 250ms, 30s, 1.5s, 2m, 1h)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> n;
      case "s" -> n * 1_000;
      case "m" -> n * 60_000;
      default -> n * 3_600_000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }
}
