package io.bellwether.testkit.sim;

import java.util.EnumMap;
import java.util.Map;

/**
 * Which faults the {@link Nemesis} injects and how often: a weight per {@link FaultKind} (0 = never),
 * the gap between two faults in ticks, and whether a majority may be down or paused at once (then the
 * cluster cannot make progress, which tests safety but yields fewer committed writes).
 */
public record FaultMix(
    Map<FaultKind, Integer> weights, int minGapTicks, int maxGapTicks, boolean majorityMayFail) {

  /**
   * The default mix before the membership changed: every kind of fault but the membership changes
   * and leadership transfers, network faults and restarts most often, roughly every 10 to 60 ticks.
   * Kept so that a seed's run of then can be replayed exactly ({@link SimConfig#withStaticMembership}).
   */
  public static final FaultMix STATIC_MEMBERSHIP = new FaultMix(staticWeights(), 10, 60, false);

  /**
   * Every kind of fault, network faults and restarts most often, roughly every 10 to 60 ticks; one
   * in six changes the membership or moves the leadership. The membership weights were chosen so
   * that the sweep's 40 runs catch each planted membership bug several times over without starving
   * the crashes that catch the others (BugInjectionTest says how many runs catch each).
   */
  public static final FaultMix DEFAULT = STATIC_MEMBERSHIP
      .with(FaultKind.ADD_LEARNER, 2).with(FaultKind.PROMOTE, 3).with(FaultKind.REMOVE, 2)
      .with(FaultKind.TRANSFER_LEADER, 1).with(FaultKind.STRANDED_CHANGE, 3);

  /**
   * The mix of runs whose clocks stay within the lease's drift bound ({@link Clocks}): every kind of
   * fault as in {@link #DEFAULT} (CLOCK_SKEW and ZOMBIE_LEADER then skew within the bound), plus
   * paused leaders, more frequent skews, and transports that wrongly report the leader unreachable
   * (which shortens election timers), since leases are what these runs are for.
   */
  public static final FaultMix BOUNDED_CLOCKS = boundedClocks(DEFAULT);

  /** {@link #BOUNDED_CLOCKS} as it was before the membership changed. */
  public static final FaultMix BOUNDED_CLOCKS_STATIC_MEMBERSHIP = boundedClocks(STATIC_MEMBERSHIP);

  private static FaultMix boundedClocks(FaultMix mix) {
    return mix.with(FaultKind.PAUSE_LEADER, 1).with(FaultKind.CLOCK_SKEW, 2)
        .with(FaultKind.FALSE_ALARM, 2).with(FaultKind.COURTED_FOLLOWER, 6);
  }

  /** No faults at all. */
  public static final FaultMix NONE = new FaultMix(new EnumMap<>(FaultKind.class), 1, 1, false);

  public FaultMix {
    weights = Map.copyOf(weights);
    if (minGapTicks < 1 || maxGapTicks < minGapTicks) {
      throw new IllegalArgumentException("bad fault gap " + minGapTicks + ".." + maxGapTicks);
    }
  }

  private static Map<FaultKind, Integer> staticWeights() {
    Map<FaultKind, Integer> w = new EnumMap<>(FaultKind.class);
    w.put(FaultKind.PARTITION, 3);
    w.put(FaultKind.ISOLATE_LEADER, 3);
    w.put(FaultKind.ZOMBIE_LEADER, 1);
    w.put(FaultKind.ISOLATE_NODE, 1);
    w.put(FaultKind.BRIDGE, 1);
    w.put(FaultKind.ONE_WAY, 1);
    w.put(FaultKind.FLAP, 1);
    w.put(FaultKind.HEAL, 5);
    w.put(FaultKind.LOSS, 2);
    w.put(FaultKind.DELAY, 1);
    w.put(FaultKind.DUPLICATE, 1);
    w.put(FaultKind.CRASH, 2);
    w.put(FaultKind.CRASH_LEADER, 1);
    w.put(FaultKind.CRASH_NEW_LEADER, 1);
    w.put(FaultKind.TORN_CRASH, 4);
    w.put(FaultKind.RESTART, 5);
    w.put(FaultKind.PAUSE, 1);
    w.put(FaultKind.RESUME, 2);
    w.put(FaultKind.CLOCK_SKEW, 1);
    w.put(FaultKind.COURTED_FOLLOWER, 3);
    w.put(FaultKind.RETURNING_LEADER, 4);
    return w;
  }

  /** This mix with {@code kind} at {@code weight}. */
  public FaultMix with(FaultKind kind, int weight) {
    Map<FaultKind, Integer> w = new EnumMap<>(FaultKind.class);
    w.putAll(weights);
    w.put(kind, weight);
    return new FaultMix(w, minGapTicks, maxGapTicks, majorityMayFail);
  }

  /** This mix with faults every {@code min} to {@code max} ticks. */
  public FaultMix gap(int min, int max) {
    return new FaultMix(weights, min, max, majorityMayFail);
  }

  public FaultMix majorityMayFail(boolean may) {
    return new FaultMix(weights, minGapTicks, maxGapTicks, may);
  }

  public int weight(FaultKind kind) {
    return weights.getOrDefault(kind, 0);
  }

  /** Whether any fault of this mix changes the membership. */
  boolean changesMembership() {
    for (FaultKind kind : FaultKind.values()) if (kind.isMembership() && weight(kind) > 0) return true;
    return false;
  }

  int totalWeight() {
    int total = 0;
    for (int w : weights.values()) total += w;
    return total;
  }
}
