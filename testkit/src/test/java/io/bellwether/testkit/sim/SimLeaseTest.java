package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: lease reads are linearizable whenever clocks keep the documented drift bound, pauses
// included, and the simulation is able to see a lease that is not.
// Method: bounded-clock runs over fixed seeds; then the same weather with the runtime's one duty
// for leases (feed the time that passed before anything else after a pause) switched off.
class SimLeaseTest {

  private static final long FIXED_SEEDS = 6;

  /** The broken runtime must be caught within this many seeds, or the lease is not really tested. */
  private static final int SEEDS_MAX = 50;

  @Test
  void leaseReadsUnderBoundedClocksAndPausesAreLinearizable() {
    int atOnce = 0;
    int leaderPauses = 0;
    for (long seed = 1; seed <= FIXED_SEEDS; seed++) {
      for (int nodes : new int[] {3, 5}) {
        SimResult result = Simulation.run(BugHunt.leaseHunt(SimConfig.of(seed, nodes)));
        assertThat(result.failed()).as(result.report()).isFalse();
        atOnce += result.stats().leaseReadsAtOnce();
        leaderPauses += (int) result.schedule().stream()
            .filter(a -> a.contains("pause(") && a.contains("[leader]")).count();
      }
    }
    // Not vacuous: leaders did answer from their lease, and leaders did freeze meanwhile.
    assertThat(atOnce).as("lease reads served at once").isGreaterThan(100);
    assertThat(leaderPauses).as("leader pauses").isGreaterThan(20);
  }

  @Test
  void aRuntimeThatResumesWithoutFeedingTimeIsCaught() {
    // Exactly the mistake RaftNode avoids: a leader frozen for longer than its lease is given a
    // read before it is told how much time passed, so it trusts a lease that ran out.
    List<String> passed = new ArrayList<>();
    for (long seed = 1; seed <= SEEDS_MAX; seed++) {
      int nodes = seed % 2 == 1 ? 3 : 5;
      SimConfig config = BugHunt.leaseHunt(SimConfig.of(seed, nodes))
          .withClocks(Clocks.withinDriftBound().withoutTimeOnResume());
      SimResult result = Simulation.run(config);
      if (result.failed()) {
        System.out.println("runtime resuming without time caught by seed " + seed + " (" + nodes
            + " nodes), run " + seed + " of at most " + SEEDS_MAX + ": "
            + result.failure().lines().findFirst().orElse(""));
        assertThat(result.failure()).as(result.report()).startsWith("linearizability");
        return;
      }
      passed.add(seed + "/" + nodes);
    }
    throw new AssertionError("a leader trusting its lease after a pause went unnoticed in "
        + SEEDS_MAX + " seeds: " + passed);
  }

  @Test
  void runsBeyondTheDriftBoundIssueNoLeaseReads() {
    SimResult result = Simulation.run(SimConfig.of(2, 3).withClocks(Clocks.UNBOUNDED)
        .withSafetyTicks(500));
    assertThat(result.stats().leaseReads()).isZero();
  }

  @Test
  void boundedClocksRefuseDriftBeyondTheDocumentedBound() {
    assertThatThrownBy(() -> new Clocks(0.2, true)).isInstanceOf(IllegalArgumentException.class);
    SimCluster cluster = new SimCluster(SimConfig.of(1, 3).withClocks(Clocks.withinDriftBound()));
    assertThatThrownBy(() -> cluster.clockRate("n1", 0.8))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSeedChoosesBoundedClocksForAboutHalfTheRuns() {
    int bounded = 0;
    for (long seed = 1; seed <= 100; seed++) {
      SimConfig c = SimConfig.of(seed, 3);
      if (c.clocks().bounded()) {
        bounded++;
        assertThat(c.faults().weight(FaultKind.PAUSE) + c.faults().weight(FaultKind.PAUSE_LEADER))
            .isPositive();
      } else {
        assertThat(c.faults().weight(FaultKind.PAUSE_LEADER)).isZero();
      }
    }
    assertThat(bounded).isBetween(30, 70);
  }
}
