package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// Goal: a seed is a complete description of a run, so a failure printed with its seed replays exactly.
// Method: run the same seeds twice and compare the trace hash (every step) and the client histories.
class SimDeterminismTest {

  @Test
  void sameSeedSameRun() {
    for (int nodes : new int[] {3, 5}) {
      SimResult first = Simulation.run(SimConfig.of(7, nodes));
      SimResult second = Simulation.run(SimConfig.of(7, nodes));

      assertThat(second.traceHash()).isEqualTo(first.traceHash());
      assertThat(second.history().ops()).isEqualTo(first.history().ops());
      assertThat(second.schedule()).isEqualTo(first.schedule());
      assertThat(second.stats().steps()).isEqualTo(first.stats().steps());
    }
  }

  @Test
  void otherSeedOtherRun() {
    SimResult first = Simulation.run(SimConfig.of(7, 3));
    SimResult other = Simulation.run(SimConfig.of(8, 3));

    assertThat(other.traceHash()).isNotEqualTo(first.traceHash());
  }
}
