package io.bellwether.core.engine;

import java.util.Set;

/**
 * The test kit's only way to plant a deliberate bug in an engine: {@code RaftEngine.plant} is
 * package-private, so shipped code and configuration cannot reach it.
 */
public final class EngineBugs {

  private EngineBugs() {}

  /** Plants {@code bugs} in {@code engine}; call before its first input. */
  public static void plant(RaftEngine engine, Set<InjectedBug> bugs) {
    engine.plant(bugs);
  }
}
