/**
 * Deterministic simulation of whole Bellwether clusters, shipped in core's test-jar.
 *
 * <p>A {@link io.bellwether.core.sim.SimCluster} runs 3 or 5 real {@code NodeDriver}s (engine,
 * store, key-value state machine, with the runtime's order of effects) on one thread, from one seed,
 * on simulated time: a {@link io.bellwether.core.sim.SimNetwork} that loses, delays, duplicates and
 * reorders messages and can be partitioned, bridged, cut one way or made to flap; disks ({@link
 * io.bellwether.core.sim.SimLogStore}) that lose or tear unsynced writes in a crash; nodes that
 * crash, restart, pause and run slow clocks; and simulated clients whose history is checked for
 * linearizability. Raft's safety properties are checked after every step ({@link
 * io.bellwether.core.sim.Invariants}); after a safety phase with faults, a liveness phase heals
 * everything and requires a leader, working requests and converged replicas within a bound.
 *
 * <p>How to use it:
 *
 * <ul>
 *   <li>{@code mvn -pl core test -Dtest=SimulationTest}: the sweep, a fixed list of seeds plus a few
 *       random ones, for 3 and 5 nodes. Every run prints {@code sim seed=N ...}.
 *   <li>{@code -Dtest=SimReplayTest -Dbellwether.sim.seed=N [-Dbellwether.sim.nodes=3]
 *       [-Dbellwether.sim.bug=NAME]}: replays one seed exactly and prints its report (fault
 *       schedule, last steps, nodes, where the history was saved).
 *   <li>{@code -Dtest=SimReplayTest -Dbellwether.sim.seeds=5000 [-Dbellwether.sim.soakFrom=S]}: a
 *       soak over many seeds; a run that breaks the harness is that seed's failure, and the soak
 *       goes on.
 *   <li>{@code -Dbellwether.history.dir=/abs/dir}, with any of these: every run saves its client
 *       history there as JSON lines ({@link io.bellwether.core.lin.HistoryJson}), passing or
 *       failing; without it only a failing run does, in the temporary directory.
 *   <li>{@code BugInjectionTest} proves the checkers are not vacuous: each deliberate engine bug
 *       ({@code InjectedBug}) must be caught within 50 seeds. {@code SimRegressionTest} keeps every
 *       bug the simulation found in main code, with its seeds; {@link
 *       io.bellwether.core.sim.KnownBugs} lists those not fixed yet.
 * </ul>
 */
package io.bellwether.core.sim;
