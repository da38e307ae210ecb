package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// Goal: leadership transfers at random, under partitions, pauses and clocks within the drift bound,
// keep every history linearizable (lease reads included) and every invariant; the planted
// TRANSFER_KEEPS_LEASE shows the same weather catches an old leader that keeps its lease
// (BugInjectionTest).
// Method: the transfer hunt's weather over fixed seeds, 3 and 5 nodes; the runs must not be vacuous.
class SimTransferTest {

  /** Seeds 1..N; {@code -Dbellwether.sim.transferSeeds=N} for a longer run. */
  private static final long FIXED_SEEDS = Long.getLong("bellwether.sim.transferSeeds", 6);

  @Test
  void transfersUnderFaultsKeepEveryHistoryLinearizable() {
    int transfers = 0;
    int atOnce = 0;
    for (long seed = 1; seed <= FIXED_SEEDS; seed++) {
      for (int nodes : new int[] {3, 5}) {
        SimResult result = Simulation.run(BugHunt.transferHunt(SimConfig.of(seed, nodes)));
        assertThat(result.failed()).as(result.report()).isFalse();
        transfers += (int) result.schedule().stream().filter(a -> a.contains("transferLeadership(")).count();
        atOnce += result.stats().leaseReadsAtOnce();
      }
    }
    assertThat(transfers).as("transfers asked for").isGreaterThan(20);
    assertThat(atOnce).as("lease reads served at once, between transfers").isGreaterThan(100);
  }
}
