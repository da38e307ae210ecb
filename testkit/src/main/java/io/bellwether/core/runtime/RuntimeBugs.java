package io.bellwether.core.runtime;

import io.bellwether.core.engine.InjectedBug;
import java.util.Set;

/**
 * The test kit's only way to plant a deliberate bug in a runtime: {@code NodeDriver.plant} is
 * package-private, so shipped code and configuration cannot reach it.
 */
public final class RuntimeBugs {

  private RuntimeBugs() {}

  /** Plants the runtime's share of {@code bugs} in {@code driver}; call before its first input. */
  public static void plant(NodeDriver driver, Set<InjectedBug> bugs) {
    driver.plant(bugs);
  }
}
