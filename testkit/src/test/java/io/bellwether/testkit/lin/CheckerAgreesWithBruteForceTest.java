package io.bellwether.testkit.lin;

// Goal: the pruning in the fast checker (deadlines of indeterminate ops, forced reads, twins) never
// changes a verdict. Method: random tiny histories, many broken on purpose, against trying every order.

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CheckerAgreesWithBruteForceTest {

  private static final int HISTORIES = 30_000;

  @Test
  void fastCheckerAgreesWithTryingEveryOrder() {
    long seed = Long.getLong("bellwether.lin.seed", new SplittableRandom().nextLong());
    System.out.println("lin seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int linearizable = 0;
    for (int i = 0; i < HISTORIES; i++) {
      long historySeed = random.nextLong();
      List<Op> events = damaged(
          RegisterSimulation.generate(historySeed, 4 + random.nextInt(9), 1, 2 + random.nextInt(4),
              0.3, i % 2 == 0 ? 10 : 40).ops(), new SplittableRandom(historySeed));

      boolean expected = BruteForceChecker.isLinearizable(events);
      Result result = LinearizabilityChecker.check(History.of(events));

      assertThat(result.outcome()).as("lin seed=%d history seed=%d %s\n%s", seed, historySeed,
          events, result).isEqualTo(expected ? Result.Outcome.LINEARIZABLE
              : Result.Outcome.NOT_LINEARIZABLE);
      linearizable += expected ? 1 : 0;
    }
    System.out.println("lin seed=" + seed + ": " + linearizable + " of " + HISTORIES
        + " histories linearizable");
    assertThat(linearizable).isBetween(HISTORIES / 10, HISTORIES * 9 / 10);
  }

  /** Changes some results and values, so that values repeat and some histories break. */
  private static List<Op> damaged(List<Op> events, SplittableRandom random) {
    List<String> values = new ArrayList<>();
    values.add(null);
    for (Op e : events) {
      if (e.type() == Op.Type.INVOKE && e.value() != null) {
        values.add(e.value());
      }
    }
    List<Op> out = new ArrayList<>(events);
    for (int i = 0; i < out.size(); i++) {
      Op e = out.get(i);
      if (random.nextInt(4) != 0) {
        continue;
      }
      String other = values.get(random.nextInt(values.size()));
      if (e.type() == Op.Type.OK && e.f() == Op.F.READ) {
        out.set(i, e.withValue(other));
      } else if (e.type() == Op.Type.INVOKE && e.f() == Op.F.WRITE && other != null) {
        out.set(i, e.withValue(other));
      } else if (e.type() == Op.Type.INVOKE && e.f() == Op.F.CAS) {
        out.set(i, new Op(e.process(), e.type(), e.f(), e.key(), e.value(), other, e.time(),
            e.node(), e.error()));
      }
    }
    return out;
  }
}
