package io.bellwether.core.codec;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The seed of the codec property tests: {@code -Dbellwether.codec.seed=N} replays a run, otherwise a
 * fresh one is drawn. It is printed, and tests put it in their assertion messages, so any failure can
 * be replayed exactly.
 */
public final class CodecSeed {

  public static final String PROPERTY = "bellwether.codec.seed";

  private CodecSeed() {}

  /** The seed for one test class; prints it with the class name. */
  public static long forClass(Class<?> testClass) {
    String configured = System.getProperty(PROPERTY);
    long seed = configured != null ? Long.parseLong(configured) : ThreadLocalRandom.current().nextLong();
    System.out.println("codec seed=" + seed + " (" + testClass.getSimpleName() + "; replay with -D"
        + PROPERTY + "=" + seed + ")");
    return seed;
  }

  /** What an assertion message adds so the failing case can be replayed. */
  public static String replay(long seed, int caseNumber) {
    return "codec seed=" + seed + " case=" + caseNumber + " (replay with -D" + PROPERTY + "=" + seed + ")";
  }
}
