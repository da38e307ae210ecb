package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

// Goal: leases keep their promise in the simulation (never expired sooner than a TTL after the last
// renewal the clients saw succeed, across leader changes and within the clock drift the run allows),
// replicas agree on them, and the check is able to catch a keeper driven wrong.
// Method: fixed seeds with lease clients and the leaders' expiry loop on, in the sweep's weather and
// in the lease hunt's (leader pauses, isolations, slow clocks); then two keepers driven wrong on the
// simulation's side (a clock twice as fast; no reset of deadlines when a node leads again), each of
// which must be caught within a bounded number of seeds.
class SimLeaseExpiryTest {

  private static final LeaseLoad LOAD = LeaseLoad.of(3);

  /** Runs {@code config} and hands back its lease check. */
  private static SimResult run(SimConfig config, AtomicReference<LeaseExpiryCheck> check) {
    return Simulation.run(config, c -> {
      SimCluster cluster = new SimCluster(c);
      check.set(cluster.leaseClients().check());
      return cluster;
    });
  }

  @Test
  void leasesKeepTheirPromiseOnFixedSeeds() {
    int expiries = 0;
    int renewals = 0;
    long seeds = Long.getLong("bellwether.sim.leaseSeeds", 4); // a soak raises it
    for (long seed = 1; seed <= seeds; seed++) {
      for (SimConfig config : List.of(SimConfig.of(seed, 3).withLeases(LOAD),
          BugHunt.leaseHunt(SimConfig.of(seed, seed % 2 == 0 ? 5 : 3)).withLeases(LOAD))) {
        AtomicReference<LeaseExpiryCheck> check = new AtomicReference<>();
        SimResult result = run(config, check);
        assertThat(result.failed()).as(result.report()).isFalse();
        expiries += check.get().expiries();
        renewals += check.get().renewals();
      }
    }
    // Not vacuous: leases were kept alive and others ran out.
    assertThat(renewals).as("keepalives renewed").isGreaterThan(100);
    assertThat(expiries).as("leases expired").isGreaterThan(20);
  }

  @Test
  void aKeeperWhoseClockRunsTwiceAsFastIsCaught() {
    assertCaught(LeaseLoad.LeaseBug.EXPIRES_AT_HALF_TTL, 10);
  }

  @Test
  void aKeeperThatDoesNotResetWhenItsNodeLeadsAgainIsCaught() {
    assertCaught(LeaseLoad.LeaseBug.NO_RESET_ON_NEW_TERM, 40);
  }

  private static void assertCaught(LeaseLoad.LeaseBug bug, int seedsMax) {
    List<Long> passed = new ArrayList<>();
    for (long seed = 1; seed <= seedsMax; seed++) {
      SimConfig config = BugHunt.leaseHunt(SimConfig.of(seed, seed % 2 == 1 ? 3 : 5))
          .withLeases(LOAD.withBug(bug));
      SimResult result = Simulation.run(config);
      if (result.failed()) {
        System.out.println(bug + " caught by seed " + seed + ": " + result.failure().lines().findFirst().orElse(""));
        assertThat(result.failure()).as(result.report()).startsWith("Lease promise broken");
        return;
      }
      passed.add(seed);
    }
    throw new AssertionError(bug + " went unnoticed in " + seedsMax + " seeds: " + passed);
  }
}
