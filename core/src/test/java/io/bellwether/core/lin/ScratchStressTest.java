package io.bellwether.core.lin;

import org.junit.jupiter.api.Test;

class ScratchStressTest {
  @Test
  void stress() {
    int[][] cfgs = {{20000, 8, 8, 2}, {20000, 1, 10, 5}, {20000, 8, 10, 10}, {20000, 2, 16, 10}, {20000, 1, 32, 5}};
    for (int[] c : cfgs) {
      for (long s = 1; s <= 3; s++) {
        History h = RegisterSimulation.generate(s, c[0], c[1], c[2], c[3] / 100.0);
        long t = System.nanoTime();
        Result r = LinearizabilityChecker.check(h);
        long ms = (System.nanoTime() - t) / 1_000_000;
        var m = StaleReadMutation.of(h).orElseThrow();
        t = System.nanoTime();
        Result r2 = LinearizabilityChecker.check(m.history());
        long ms2 = (System.nanoTime() - t) / 1_000_000;
        System.out.printf("cfg ops=%d keys=%d clients=%d info=%d%% seed=%d: %s %d ms %d steps | broken %s %d ms %d steps%n",
            c[0], c[1], c[2], c[3], s, r.outcome(), ms, r.steps(), r2.outcome(), ms2, r2.steps());
      }
    }
  }
}
