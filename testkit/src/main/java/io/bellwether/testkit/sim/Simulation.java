package io.bellwether.testkit.sim;

import io.bellwether.core.kv.KvStorage;
import io.bellwether.testkit.lin.HistoryFiles;
import io.bellwether.testkit.lin.HistoryJson;
import io.bellwether.testkit.lin.LinearizabilityChecker;
import io.bellwether.testkit.lin.Op;
import io.bellwether.testkit.lin.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One simulation run, in three phases.
 *
 * <ol>
 *   <li><b>Safety</b>: clients work while the nemesis injects faults; invariants after every step.
 *   <li><b>Liveness</b>: every fault healed, every node up. Within a bound the members of the
 *       leader's configuration must agree on that leader, new writes (through the leader) and
 *       linearizable reads (through every member) must succeed, and all members must converge to the
 *       same applied index and state hash. Nodes that are no members (spares never added, members
 *       removed) run too, and must not get in the way.
 *   <li><b>Linearizability</b>: the whole client history is checked.
 * </ol>
 */
public final class Simulation {

  /** Deterministic bound on the checker's search (a time bound would make replays differ). */
  private static final LinearizabilityChecker.Budget CHECK_BUDGET =
      new LinearizabilityChecker.Budget(5_000_000, Duration.ofMinutes(1));

  /** The most bounds a converging cluster may take, each moving its slowest node forward. */
  private static final int CONVERGE_BOUNDS = 10;

  private Simulation() {}

  /**
   * Runs one configuration to its verdict. Never throws for a run that goes wrong: a broken property
   * ({@link SimFailure}) is the run's failure, and so is any other exception, a bug in the harness
   * itself ({@link SimResult#harnessBroke()}), so that a caller running many seeds learns which seed
   * it was and can go on to the next.
   */
  public static SimResult run(SimConfig config) {
    return run(config, (Function<SimConfig, SimCluster>) SimCluster::new);
  }

  /**
   * {@link #run(SimConfig)} with each node's key-value state kept in what {@code kvStorage} opens for
   * its id at each of its starts: how a storage module runs the simulation over its own state (for a
   * replayable run, the storage must do its work on the calls it gets, not on threads of its own).
   */
  public static SimResult runWithStorage(SimConfig config, Function<String, KvStorage> kvStorage) {
    return run(config, c -> new SimCluster(c, kvStorage));
  }

  /** {@link #run(SimConfig)} with the cluster built by {@code build}, which a test may break. */
  static SimResult run(SimConfig config, Function<SimConfig, SimCluster> build) {
    long started = System.nanoTime();
    SimCluster cluster = null;
    String failure = null;
    Throwable cause = null;
    boolean harnessBroke = false;
    String lin = "not checked";
    try {
      cluster = build.apply(config);
      cluster.runFor(config.safetyTicks());
      checkLiveness(cluster, config.livenessTicksMax());
      lin = checkLinearizable(cluster);
    } catch (SimFailure f) {
      failure = f.getMessage();
      cause = f.getCause();
    } catch (RuntimeException e) {
      harnessBroke = true;
      failure = "the harness broke" + (cluster == null ? " building the cluster" : " at t="
          + cluster.nowTicks()) + ": " + e;
      cause = e;
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    SimResult result = cluster == null
        ? SimResult.withoutCluster(config, failure, cause, harnessBroke, elapsedMillis)
        : new SimResult(config, failure, cause, harnessBroke,
            List.copyOf(cluster.nemesis().schedule()), cluster.trace().recent(),
            cluster.describeNodes(), cluster.clients().history(), save(cluster, failure != null),
            cluster.trace().hash(), stats(cluster, lin, elapsedMillis));
    System.out.println(result.summary());
    if (cluster != null && cluster.leaseClients() != null) {
      System.out.println("  " + cluster.leaseClients().check().summary());
    }
    return result;
  }

  private static SimResult.Stats stats(SimCluster cluster, String lin, long elapsedMillis) {
    Map<Op.Type, Integer> outcomes = new EnumMap<>(Op.Type.class);
    for (Op op : cluster.clients().history().ops()) outcomes.merge(op.type(), 1, Integer::sum);
    return new SimResult.Stats(cluster.nowTicks(), cluster.steps(),
        cluster.invariants().committedCount(), outcomes.getOrDefault(Op.Type.OK, 0),
        outcomes.getOrDefault(Op.Type.FAIL, 0), outcomes.getOrDefault(Op.Type.INFO, 0),
        cluster.crashes(), cluster.network().sentCount(), cluster.network().droppedCount(),
        elapsedMillis, lin, cluster.clients().staleReadsChecked(), cluster.clients().leaseReads(),
        cluster.clients().leaseReadsAtOnce(), cluster.invariants().entriesReadBack());
  }

  private static void checkLiveness(SimCluster cluster, long boundTicks) {
    cluster.healEverything();
    cluster.clients().stop();
    if (cluster.leaseClients() != null) cluster.leaseClients().stop();
    awaitAgreedLeader(cluster, boundTicks, "of healing");
    // Catch up first: a linearizable read on a lagging follower waits until it has applied.
    converge(cluster, boundTicks);
    // Agreement is a moment, not a state: while the nodes converged, a follower that had not heard
    // from the leader for an election timeout may have started a (pre-)vote, so ask again.
    String leader = awaitAgreedLeader(cluster, boundTicks, "of converging");
    SimClients clients = cluster.clients();
    awaitWrites(cluster, leader, boundTicks);
    List<SimClients.Request> probes = new ArrayList<>();
    for (String id : cluster.memberIds()) probes.add(clients.probeRead(clients.keys().get(0), id));
    awaitProbes(cluster, probes, boundTicks, "linearizable read on every member");
    converge(cluster, boundTicks);
    Map<Long, List<String>> byHash = new TreeMap<>();
    for (SimNode node : cluster.memberNodes()) {
      byHash.computeIfAbsent(node.stateMachine().stateHash(), h -> new ArrayList<>()).add(node.id);
    }
    if (byHash.size() != 1) {
      throw new SimFailure("liveness: nodes applied the same index but hold different states: "
          + byHash);
    }
  }

  /** Runs until every node is up and follows one leader, and returns that leader's id. */
  private static String awaitAgreedLeader(SimCluster cluster, long boundTicks, String since) {
    if (!cluster.runUntil(() -> cluster.agreedLeader() != null, boundTicks)) {
      throw new SimFailure("liveness: no leader that every node follows within " + boundTicks
          + " ticks " + since);
    }
    return cluster.agreedLeader();
  }

  /**
   * Liveness here is progress: every bound must bring the slowest node forward, until all agree. A
   * follower that fell hundreds of entries behind, in runs that send one entry per AppendEntries
   * and no snapshots, catches up at about half an entry per tick and may need several bounds (seeds
   * 23939 and 27579, 3 nodes: 570 entries behind); a stuck one fails the first bound it does not
   * move in. A hard cap of {@link #CONVERGE_BOUNDS} bounds keeps every run finite.
   */
  private static void converge(SimCluster cluster, long boundTicks) {
    long slowest = cluster.slowestApplied();
    for (int bound = 1; !cluster.runUntil(cluster::converged, boundTicks); bound++) {
      long now = cluster.slowestApplied();
      if (now <= slowest || bound >= CONVERGE_BOUNDS) {
        throw new SimFailure("liveness: nodes did not converge to one applied index within "
            + bound + " x " + boundTicks + " ticks (the slowest applied index went from " + slowest
            + " to " + now + " in the last " + boundTicks + ")");
      }
      slowest = now;
    }
  }

  /**
   * One write per key through the agreed leader must succeed within the bound. A write the cluster
   * certainly refused (the leader stepped down: a late TimeoutNow of a transfer given up just before
   * the faults ended can still elect its target) is sent again to whoever leads then, as a client
   * would; one with no answer or an unknown outcome fails the run.
   */
  private static void awaitWrites(SimCluster cluster, String leader, long boundTicks) {
    SimClients clients = cluster.clients();
    long deadline = cluster.nowTicks() + boundTicks;
    List<SimClients.Request> probes = new ArrayList<>();
    for (String key : clients.keys()) probes.add(clients.probeWrite(key, leader));
    while (true) {
      long left = deadline - cluster.nowTicks();
      boolean done = cluster.runUntil(() -> probes.stream().allMatch(p -> p.completion != null), left);
      List<SimClients.Request> refused = probes.stream()
          .filter(p -> p.completion != null && p.completion.type() == Op.Type.FAIL).toList();
      if (!done || refused.isEmpty() || cluster.nowTicks() >= deadline) {
        awaitProbes(cluster, probes, boundTicks, "write through leader " + leader);
        return;
      }
      leader = awaitAgreedLeader(cluster, Math.max(1, deadline - cluster.nowTicks()), "after a refused write");
      for (SimClients.Request p : refused) {
        probes.set(probes.indexOf(p), clients.probeWrite(p.invoke.key(), leader));
      }
    }
  }

  private static void awaitProbes(SimCluster cluster, List<SimClients.Request> probes,
      long boundTicks, String what) {
    boolean done = cluster.runUntil(() -> probes.stream().allMatch(p -> p.completion != null),
        boundTicks);
    for (SimClients.Request p : probes) {
      if (!p.succeeded()) {
        throw new SimFailure("liveness: " + what + " did not succeed within " + boundTicks
            + " ticks: " + p.invoke + " -> " + (done ? p.completion : "no answer"));
      }
    }
  }

  private static String checkLinearizable(SimCluster cluster) {
    Result result = LinearizabilityChecker.check(cluster.clients().history(), CHECK_BUDGET);
    if (result.outcome() == Result.Outcome.NOT_LINEARIZABLE) {
      throw new SimFailure("linearizability: " + result.explanation());
    }
    return result.outcome() == Result.Outcome.LINEARIZABLE
        ? "linearizable"
        : "linearizability UNKNOWN (" + result.explanation() + ")";
  }

  /**
   * Saves the history as JSON lines ({@link HistoryJson}), so any checker can look at it again:
   * every run's in the directory {@code -Dbellwether.history.dir} names, else a failing run's in
   * the temporary directory. Returns the file, or null when none was written.
   */
  private static Path save(SimCluster cluster, boolean failed) {
    Optional<Path> requested = HistoryFiles.requestedDir();
    if (requested.isEmpty() && !failed) return null;
    Path dir = requested.orElse(Path.of(System.getProperty("java.io.tmpdir"), "bellwether-sim"));
    try {
      return HistoryFiles.save(cluster.clients().history(), dir, cluster.config().runName());
    } catch (IOException e) {
      // The verdict stands without the file; say so, since someone asked for it or it failed.
      System.out.println("sim seed=" + cluster.config().seed() + ": could not save the history in "
          + dir + ": " + e);
      return null;
    }
  }
}
