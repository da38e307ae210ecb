package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.engine.InjectedBug;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Goal: replay one seed exactly, or soak thousands of random seeds, from the command line.
// Method: both are skipped unless their system property is set (see each method).
class SimReplayTest {

  /**
   * {@code -Dbellwether.sim.seed=N} replays seed N, printing its whole report ({@code
   * -Dbellwether.sim.resumeWithoutTime=true} replays a run of {@link SimLeaseTest}'s broken runtime); {@code
   * -Dbellwether.sim.nodes=3} (or 5) picks one cluster size, else both run; {@code
   * -Dbellwether.sim.bug=DOUBLE_VOTE} replays a bug-hunting run of {@link BugInjectionTest}; {@code
   * -Dbellwether.sim.staticMembership=true} replays the run the seed made before the simulation
   * changed the membership ({@link SimConfig#withStaticMembership}, as the regression seeds run);
   * {@code -Dbellwether.sim.membershipHunt=true} replays a run of {@link SimMembershipTest}.
   */
  @Test
  void replay() {
    String seed = System.getProperty("bellwether.sim.seed");
    Assumptions.assumeTrue(seed != null, "set -Dbellwether.sim.seed=N to replay a seed");
    String bug = System.getProperty("bellwether.sim.bug");
    for (int nodes : sizes()) {
      SimConfig config = bug == null
          ? SimConfig.of(Long.parseLong(seed), nodes)
          : BugHunt.config(InjectedBug.valueOf(bug), Long.parseLong(seed), nodes);
      if (Boolean.getBoolean("bellwether.sim.membershipHunt")) {
        config = BugHunt.membershipHunt(config); // a run of SimMembershipTest
      }
      if (Boolean.getBoolean("bellwether.sim.staticMembership")) {
        // A run as the seed made it before the membership changed (a regression seed's).
        config = config.withStaticMembership();
      }
      if (Boolean.getBoolean("bellwether.sim.resumeWithoutTime")) {
        // SimLeaseTest's broken runtime: a leader resumed from a pause is not told the time.
        config = BugHunt.leaseHunt(config).withClocks(Clocks.withinDriftBound().withoutTimeOnResume());
      }
      SimResult result = Simulation.run(config);
      System.out.println(result.report());
      if (bug == null && !Boolean.getBoolean("bellwether.sim.resumeWithoutTime")) {
        assertThat(result.failed()).as(result.failure()).isFalse();
      }
    }
  }

  /**
   * {@code -Dbellwether.sim.seeds=N} runs N random seeds (for each cluster size) and fails at the
   * end with every failing seed; {@code -Dbellwether.sim.soakFrom=S} starts from seed S instead of
   * a random one, so a soak can be split across machines. A run that breaks the harness is that
   * seed's failure, like a broken property, and the soak goes on.
   *
   * <p>Only counts and one line per failing seed outlive a run: its result, with its history and
   * trace, is dropped before the next, so the heap a soak needs does not grow with its length (a
   * soak of thousands of seeds runs in {@code -Dsurefire.argLine=-Xmx128m}).
   */
  @Test
  @Timeout(value = 7, unit = TimeUnit.DAYS) // a soak runs as long as its seeds take
  void soak() {
    String count = System.getProperty("bellwether.sim.seeds");
    Assumptions.assumeTrue(count != null, "set -Dbellwether.sim.seeds=N to soak N seeds");
    long from = Long.getLong("bellwether.sim.soakFrom",
        Math.abs(new SplittableRandom().nextLong() % 1_000_000_000L));
    System.out.println("soak: seeds " + from + " to " + (from + Long.parseLong(count) - 1));
    List<String> failures = new ArrayList<>();
    List<String> knownBugHits = new ArrayList<>();
    int runs = 0;
    int boundedRuns = 0;
    long leaseReads = 0;
    long leaseReadsAtOnce = 0;
    for (long seed = from; seed < from + Long.parseLong(count); seed++) {
      for (int nodes : sizes()) {
        SimResult result = Simulation.run(SimConfig.of(seed, nodes));
        runs++;
        if (result.config().clocks().bounded()) {
          boundedRuns++;
          leaseReads += result.stats().leaseReads();
          leaseReadsAtOnce += result.stats().leaseReadsAtOnce();
        }
        if (result.failed()) {
          System.out.println(result.report());
          if (!result.harnessBroke() && KnownBugs.matching(result.failure()).isPresent()) {
            knownBugHits.add("seed " + seed + ", " + nodes + " nodes");
            continue;
          }
          failures.add("seed " + seed + ", " + nodes + " nodes: "
              + result.failure().lines().findFirst().orElse("") + " (replay: "
              + result.config().replayHint() + ")");
        }
      }
    }
    System.out.println("soak: " + runs + " runs (" + boundedRuns + " with bounded clocks: "
        + leaseReads + " lease reads, " + leaseReadsAtOnce + " served at once), " + failures.size()
        + " failed: " + failures);
    System.out.println("soak: " + knownBugHits.size() + " runs hit a known bug: " + knownBugHits);
    assertThat(failures).isEmpty();
  }

  private static int[] sizes() {
    String nodes = System.getProperty("bellwether.sim.nodes");
    return nodes == null ? new int[] {3, 5} : new int[] {Integer.parseInt(nodes)};
  }
}
