package io.bellwether.testkit.sim;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * A partition that comes and goes every few ticks for a while ({@link FaultKind#FLAP}): the network
 * of a flaky switch, where leaders are elected and deposed over and over.
 */
final class Flapping {

  private final Set<String> side;
  private final long untilTick;
  private long nextToggleTick;
  private boolean cut;

  Flapping(Set<String> side, long nowTicks, long untilTick) {
    this.side = side;
    this.untilTick = untilTick;
    this.nextToggleTick = nowTicks;
  }

  boolean due(long nowTicks) {
    return nowTicks >= nextToggleTick;
  }

  /**
   * Cuts or restores the links between the side and the rest.
   *
   * @return false once the flapping is over (links restored)
   */
  boolean toggle(SimNetwork network, long nowTicks, SplittableRandom random) {
    if (nowTicks >= untilTick) {
      if (cut) network.healLinks();
      return false;
    }
    if (cut) {
      network.healLinks();
    } else {
      network.partition(side);
    }
    cut = !cut;
    nextToggleTick = nowTicks + 2 + random.nextInt(6);
    return true;
  }

  @Override
  public String toString() {
    return "flap(" + side + " | rest) until t=" + untilTick;
  }
}
