/**
 * Deterministic simulation of whole Bellwether clusters, part of the test kit.
 *
 * <p>A {@link io.bellwether.testkit.sim.SimCluster} runs 3 or 5 founding voters and a few spare
 * nodes waiting to be added, all real {@code NodeDriver}s (engine, store, key-value state machine,
 * with the runtime's order of effects), on one thread, from one seed,
 * on simulated time: a {@link io.bellwether.testkit.sim.SimNetwork} that loses, delays, duplicates and
 * reorders messages and can be partitioned, bridged, cut one way or made to flap; disks ({@link
 * io.bellwether.testkit.sim.SimLogStore}) that lose or tear unsynced writes in a crash; nodes that
 * crash, restart, pause and run slow clocks; a membership that changes (learners added, promoted,
 * members removed, the leader among them) while removed nodes keep running; and simulated clients
 * whose history is checked for linearizability. Raft's safety properties are checked after every
 * step ({@link io.bellwether.testkit.sim.Invariants}, {@link
 * io.bellwether.testkit.sim.ConfigInvariants} for membership); after a safety phase with faults, a
 * liveness phase heals everything and requires a leader, working requests and converged members
 * within a bound.
 *
 * <p>How to use it:
 *
 * <ul>
 *   <li>{@code mvn -pl testkit -am test -Dtest=SimulationTest}: the sweep, a fixed list of seeds plus a few
 *       random ones, for 3 and 5 nodes. Every run prints {@code sim seed=N ...}.
 *   <li>{@code -Dtest=SimReplayTest -Dbellwether.sim.seed=N [-Dbellwether.sim.nodes=3]
 *       [-Dbellwether.sim.bug=NAME]}: replays one seed exactly and prints its report (fault
 *       schedule, last steps, nodes, where the history was saved).
 *   <li>{@code -Dtest=SimReplayTest -Dbellwether.sim.seeds=5000 [-Dbellwether.sim.soakFrom=S] -Dbw.forkTimeoutSeconds=0}: a
 *       soak over many seeds; a run that breaks the harness is that seed's failure, and the soak
 *       goes on.
 *   <li>{@code -Dtest=SimMembershipTest -Dbellwether.sim.membershipSeeds=1000
 *       [-Dbellwether.sim.membershipFrom=S] -Dbw.forkTimeoutSeconds=0}: a soak of the membership
 *       hunt's weather ({@code BugHunt.membershipHunt}), changes all the time.
 *   <li>{@code -Dbellwether.history.dir=/abs/dir}, with any of these: every run saves its client
 *       history there as JSON lines ({@link io.bellwether.testkit.lin.HistoryJson}), passing or
 *       failing; without it only a failing run does, in the temporary directory.
 *   <li>{@code BugInjectionTest} proves the checkers are not vacuous: each deliberate engine bug
 *       ({@code InjectedBug}) must be caught within 50 seeds. {@code SimRegressionTest} keeps every
 *       bug the simulation found in main code, with its seeds; {@code KnownBugs} (in the kit's tests) lists those not fixed yet.
 * </ul>
 */
package io.bellwether.testkit.sim;
