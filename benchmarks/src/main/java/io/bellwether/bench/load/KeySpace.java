package io.bellwether.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The keys ({@code prefix + index}, index in {@code [0, count)}, zero-padded to the width of
 * {@code count - 1}) and the one value every write stores: {@code valueSize} bytes drawn from the
 * seed, so runs with the same seed send the same bytes.
 *
 * <p>Keys are made on demand, not held: a fill of ten million keys would otherwise need more heap
 * for the key strings than the tool has. Protocols that build requests ahead use {@link #perKey},
 * which builds ahead only for key counts small enough to hold.
 */
final class KeySpace {

  /** Up to this many keys, per-key request parts are built once before the run (see {@link #perKey}). */
  static final int PREBUILT_MAX = 1 << 20;

  private final String prefix;
  private final int count;
  private final int width;
  private final byte[] value;

  KeySpace(String prefix, int count, int valueSize, long seed) {
    if (count < 1) throw new IllegalArgumentException("--keys must be at least 1");
    if (valueSize < 0) throw new IllegalArgumentException("--value-size must be >= 0");
    this.prefix = prefix;
    this.count = count;
    this.width = Integer.toString(count - 1).length();
    value = new byte[valueSize];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < valueSize; i++) {
      // Printable ASCII: values stay readable with `bellwether get` and etcdctl.
      value[i] = (byte) ('a' + random.nextInt(26));
    }
  }

  int count() {
    return count;
  }

  /** Key {@code index}: zero-padded so keys sort in index order, which makes a scan of the store readable. */
  String key(int index) {
    String digits = Integer.toString(index);
    return prefix + "0".repeat(width - digits.length()) + digits;
  }

  byte[] keyBytes(int index) {
    return key(index).getBytes(StandardCharsets.UTF_8);
  }

  byte[] value() {
    return value;
  }

  /**
   * {@code make} for every key index: built once for all keys when there are at most {@link
   * #PREBUILT_MAX} (the client then spends no time on it during the run), else called per request
   * (a few hundred nanoseconds, next to a request's tens of microseconds).
   */
  <T> IntFunction<T> perKey(IntFunction<T> make) {
    if (count > PREBUILT_MAX) return make;
    Object[] built = new Object[count];
    for (int i = 0; i < count; i++) built[i] = make.apply(i);
    @SuppressWarnings("unchecked")
    IntFunction<T> lookup = i -> (T) built[i];
    return lookup;
  }
}
