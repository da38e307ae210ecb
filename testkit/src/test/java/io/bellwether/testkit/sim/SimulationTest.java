package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

// Goal: whole clusters under faults never break a Raft safety property or linearizability, and recover.
// Method: a fixed list of seeds for 3 and 5 nodes, plus a few new random seeds each build (all printed).
class SimulationTest {

  /** The fixed sweep: the same seeds every build, so a change in behaviour shows up as a diff. */
  static final long FIXED_SEEDS = 20;

  /** Fresh seeds each build widen the search over time; each is printed for replay. */
  private static final int RANDOM_SEEDS = 3;

  static Stream<Arguments> fixedSeeds() {
    return LongStream.rangeClosed(1, FIXED_SEEDS).boxed()
        .flatMap(seed -> Stream.of(Arguments.of(seed, 3), Arguments.of(seed, 5)));
  }

  static Stream<Arguments> randomSeeds() {
    SplittableRandom random = new SplittableRandom();
    return Stream.generate(() -> Math.abs(random.nextLong() % 1_000_000_000L))
        .limit(RANDOM_SEEDS)
        .flatMap(seed -> Stream.of(Arguments.of(seed, 3), Arguments.of(seed, 5)));
  }

  @ParameterizedTest(name = "seed {0}, {1} nodes")
  @MethodSource("fixedSeeds")
  void fixedSeed(long seed, int nodes) {
    SimResult result = assertPasses(SimConfig.of(seed, nodes));
    // Engines keep only a few entries in memory here (SimConfig.LOG_CACHE_ENTRIES): every run must
    // take the path that reads the rest back from the store, or these seeds would not test it.
    assertThat(result.stats().entriesReadBack()).as(result.summary()).isPositive();
  }

  @ParameterizedTest(name = "random seed {0}, {1} nodes")
  @MethodSource("randomSeeds")
  void randomSeed(long seed, int nodes) {
    assertPasses(SimConfig.of(seed, nodes));
  }

  /**
   * A harness that throws (here: cannot even build the cluster) fails that run, with the seed and
   * how to replay it, instead of ending whatever called it: a soak goes on to the next seed.
   */
  @Test
  void aRunThatBreaksTheHarnessIsThatRunsFailure() {
    SimConfig config = SimConfig.of(42, 3);

    SimResult result = Simulation.run(config, c -> {
      throw new IllegalStateException("a bug in the harness");
    });

    assertThat(result.failed()).isTrue();
    assertThat(result.harnessBroke()).isTrue();
    assertThat(result.failure()).contains("the harness broke")
        .contains("IllegalStateException: a bug in the harness");
    assertThat(result.summary()).contains("seed=42 nodes=3 BROKE THE HARNESS");
    assertThat(result.report()).contains("replay: " + config.replayHint())
        .contains("at io.bellwether.testkit.sim.SimulationTest");
  }

  static SimResult assertPasses(SimConfig config) {
    SimResult result = Simulation.run(config);
    if (result.failed()) {
      KnownBugs.matching(result.failure()).ifPresent(bug -> Assumptions.abort(
          "known bug (" + bug.regressionTest() + "): " + result.failure() + "\n" + result.report()));
    }
    assertThat(result.failed()).as(result.report()).isFalse();
    return result;
  }
}
