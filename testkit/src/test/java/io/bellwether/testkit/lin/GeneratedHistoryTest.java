package io.bellwether.testkit.lin;

// Goal: the checker accepts large histories of a correct store quickly, and rejects them once broken.
// Method: RegisterSimulation generates histories from a seed; StaleReadMutation plants a sure violation.

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GeneratedHistoryTest {

  private static final String SEED_PROPERTY = "bellwether.lin.seed";
  private static long seed;

  @BeforeAll
  static void chooseSeed() {
    seed = Long.getLong(SEED_PROPERTY, new SplittableRandom().nextLong());
    System.out.println("lin seed=" + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + ")");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void largeHistoryOfACorrectStoreIsLinearizableAndABrokenCopyIsNot() {
    History history = RegisterSimulation.generate(seed, 20_000, 8, 8, 0.02);

    long startNanos = System.nanoTime();
    Result result = LinearizabilityChecker.check(history);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    System.out.println("lin seed=" + seed + ": " + history.size() + " events checked in " + elapsedMs
        + " ms: " + result);

    assertThat(result.isLinearizable()).as("lin seed=%d: %s", seed, result).isTrue();
    assertThat(result.keysChecked()).isEqualTo(8);

    StaleReadMutation.Mutated broken = StaleReadMutation.of(history).orElseThrow();
    startNanos = System.nanoTime();
    Result brokenResult = LinearizabilityChecker.check(broken.history());
    elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    System.out.println("lin seed=" + seed + ": stale read " + broken.staleRead() + " found in "
        + elapsedMs + " ms:\n" + brokenResult);

    assertThat(brokenResult.outcome()).as("lin seed=%d", seed)
        .isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(brokenResult.key()).isEqualTo(broken.key());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void contendedSingleKeyWithManyTimeoutsIsDecidedBothWays() {
    // One register, every client on it and one op in ten timing out: the hard shape for the search.
    History history = RegisterSimulation.generate(seed, 5_000, 1, 6, 0.1, 15);

    Result result = LinearizabilityChecker.check(history);
    StaleReadMutation.Mutated broken = StaleReadMutation.of(history).orElseThrow();
    Result brokenResult = LinearizabilityChecker.check(broken.history());
    System.out.println("lin seed=" + seed + ": contended key: " + result.steps() + " steps, broken: "
        + brokenResult.steps() + " steps");

    assertThat(result.isLinearizable()).as("lin seed=%d: %s", seed, result).isTrue();
    assertThat(brokenResult.outcome()).as("lin seed=%d: %s", seed, brokenResult)
        .isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void manySmallHistoriesAreLinearizableAndTheirBrokenCopiesAreNot() {
    SplittableRandom seeds = new SplittableRandom(seed);
    int broken = 0;
    for (int run = 0; run < 300; run++) {
      long runSeed = seeds.nextLong();
      History history = RegisterSimulation.generate(runSeed, 200, 3, 5, 0.1);

      Result result = LinearizabilityChecker.check(history);

      assertThat(result.isLinearizable()).as("lin seed=%d run seed=%d: %s", seed, runSeed, result)
          .isTrue();
      var mutated = StaleReadMutation.of(history);
      if (mutated.isPresent()) {
        broken++;
        assertThat(LinearizabilityChecker.check(mutated.get().history()).outcome())
            .as("lin seed=%d run seed=%d: %s", seed, runSeed, mutated.get().staleRead())
            .isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
      }
    }
    assertThat(broken).as("histories a stale read could break").isGreaterThan(200);
  }
}
