package io.bellwether.testkit.sim;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.Message;
import io.bellwether.core.runtime.Applied;
import io.bellwether.core.runtime.NodeDriver;
import io.bellwether.core.runtime.QueryResult;
import io.bellwether.core.runtime.ReadConsistency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A whole Bellwether cluster on one thread, driven from one seed: real {@link NodeDriver}s (engine,
 * store, state machine, with the runtime's order of effects) joined by a {@link SimNetwork}, with
 * simulated clients and a {@link Nemesis}. No clock, no thread, no sleep: time is a tick counter.
 *
 * <p>Each <b>step</b> picks, at random among what can happen now, one of: tick a node's clock,
 * deliver a due message, let a client send a request, inject a fault. The node concerned then
 * carries out all its effects, and every invariant is checked. When nothing more can happen in this
 * tick, time moves on one tick. The same seed gives the same run.
 */
public final class SimCluster {

  private final SimConfig config;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, SimNode> nodes = new LinkedHashMap<>();
  private final SimNetwork network;
  private final Invariants invariants = new Invariants();
  private final PromiseInvariants promises;
  private final List<SimNode> nodeList = new ArrayList<>();

  /** A write reported certainly not applied: the node that appended it, its index and its term. */
  private record CertainFailure(String node, long index, long term) {}

  /** Certain failures still to check: reported in this step, or waiting for their index's commit. */
  private final List<CertainFailure> certainFailures = new ArrayList<>();
  private final SimClients clients;
  private final Nemesis nemesis;
  private final Trace trace = new Trace();

  // One stream per concern, so that a change in one (say, more clients) leaves the others alone.
  private final SplittableRandom scheduler;
  private final SplittableRandom engineSeeds;
  private final SplittableRandom diskSeeds;

  /** A transport's hint still to hand out: {@code to} lost its connection to {@code about}. */
  private record Hint(String to, String about) {}

  /** Hints due now, handed out one per step in random order like messages. */
  private final List<Hint> hints = new ArrayList<>();

  /** Nodes whose clock has yet to tick in the current tick. */
  private final List<String> toTick = new ArrayList<>();

  private long nowTicks;
  private boolean faultsOn = true;
  private long steps;
  private int crashes;

  public SimCluster(SimConfig config) {
    this.config = config;
    SplittableRandom root = new SplittableRandom(config.seed());
    this.scheduler = root.split();
    this.engineSeeds = root.split();
    this.diskSeeds = root.split();
    for (int i = 1; i <= config.nodes(); i++) ids.add("n" + i);
    this.network = new SimNetwork(ids, root.split());
    this.clients = new SimClients(this, root.split(), config.clients(), config.keys(),
        config.clientTimeoutTicks());
    this.nemesis = new Nemesis(this, root.split(), config.faults(), config.clocks());
    this.promises = new PromiseInvariants(config.clocks().bounded() && config.clocks().resumeFeedsTime());
    Set<String> voters = new TreeSet<>(ids);
    // Split last, so that the streams above are the same as before bounded clocks existed.
    SplittableRandom clockSeeds = root.split();
    for (String id : ids) {
      nodes.put(id, new SimNode(id, voters, config, network, invariants));
      if (config.clocks().bounded()) {
        // Clocks start out of step (phase) and at different rates, all within the bound.
        SimNode node = nodes.get(id);
        node.clockRate = 1 + (clockSeeds.nextDouble() * 2 - 1) * config.clocks().maxDrift();
        node.clockPhase = clockSeeds.nextDouble();
      }
      nodeList.add(nodes.get(id));
      start(nodes.get(id));
    }
    network.advanceTo(0);
  }

  // ---------------------------------------------------------------- running

  /** Runs {@code ticks} ticks of simulated time. */
  public void runFor(long ticks) {
    long end = nowTicks + ticks;
    while (nowTicks < end) {
      if (!step()) advanceTick();
    }
  }

  /**
   * Runs until {@code condition} holds (checked after every step), for at most {@code maxTicks}.
   *
   * @return whether the condition came true in time
   */
  public boolean runUntil(BooleanSupplier condition, long maxTicks) {
    long end = nowTicks + maxTicks;
    while (!condition.getAsBoolean()) {
      if (nowTicks >= end) return false;
      if (!step()) advanceTick();
    }
    return true;
  }

  /** One step, if anything can happen in this tick; false when the tick is over. */
  private boolean step() {
    // The nemesis first: its scripted faults act as they watch (a stalled link takes due messages).
    int faults = faultsOn && nemesis.due(nowTicks) ? 1 : 0;
    int ticks = toTick.size();
    int messages = network.dueCount();
    int requests = clients.dueCount(nowTicks);
    int total = ticks + messages + requests + faults + hints.size();
    if (total == 0) return false;
    int r = scheduler.nextInt(total);
    steps++;
    if (r < ticks) {
      tick(toTick.remove(r));
    } else if ((r -= ticks) < messages) {
      deliver(network.takeDue(r));
    } else if ((r -= messages) < requests) {
      trace.record(nowTicks, "client", null);
      clients.act(r);
    } else if ((r -= requests) < faults) {
      trace.record(nowTicks, "nemesis", null);
      nemesis.act();
    } else {
      hint(hints.remove(r - faults));
    }
    clients.throwIfBroken();
    invariants.check(nodes.values());
    promises.check(nodeList);
    if (!certainFailures.isEmpty()) checkCertainFailures();
    return true;
  }

  private void advanceTick() {
    nowTicks++;
    network.advanceTo(nowTicks);
    clients.expire(nowTicks);
    toTick.clear();
    for (SimNode node : nodes.values()) {
      if (config.clocks().bounded()) {
        advanceBoundedClock(node);
      } else if (node.isUp() && (node.clockRate >= 1 || scheduler.nextDouble() < node.clockRate)) {
        // A slow clock skips ticks at random; that is how a leader outlives its lease in its own
        // eyes. Over a few ticks that is any drift at all, which is why these runs read no lease.
        toTick.add(node.id);
      }
    }
  }

  /**
   * A clock within the drift bound ticks exactly {@code rate} times per tick of simulated time,
   * carrying the fraction over (0, 1 or 2 ticks in one global tick), so that over <em>every</em>
   * interval, not just on average, its count of ticks is within one of {@code rate * interval}.
   * A paused node's clock goes on counting (the hardware clock does not stop with the process);
   * it learns how much when it resumes.
   */
  private void advanceBoundedClock(SimNode node) {
    if (node.state() == SimNode.State.DOWN) return;
    node.clockPhase += node.clockRate;
    int ticks = (int) node.clockPhase;
    node.clockPhase -= ticks;
    if (node.isUp()) {
      for (int i = 0; i < ticks; i++) toTick.add(node.id);
    } else {
      node.owedTicks += ticks;
    }
  }

  private void tick(String id) {
    SimNode node = nodes.get(id);
    if (node.state() == SimNode.State.PAUSED && config.clocks().bounded()) {
      node.owedTicks++; // paused earlier in this tick: its clock still ticked
      return;
    }
    if (!node.isUp()) return; // crashed or paused earlier in this tick
    trace.record(nowTicks, "tick " + id, null);
    runOn(node, NodeDriver::tick);
  }

  private void deliver(Message m) {
    if (m == null) {
      trace.record(nowTicks, "lost on a cut link", null);
      return;
    }
    SimNode node = nodes.get(m.to());
    trace.record(nowTicks, node.isUp() ? "deliver" : "deliver to dead " + m.to(), m);
    if (!node.isUp()) return;
    // A leader's message of the node's term or a later one is contact (stale ones are answered and
    // ignored); the vote-promise check measures from here.
    boolean contact = (m instanceof AppendEntries || m instanceof Heartbeat
        || m instanceof InstallSnapshot) && m.term() >= node.engine().term();
    runOn(node, d -> d.receive(m));
    if (contact && node.isUp()) node.lastLeaderContactTick = node.engine().ticks();
  }

  /** Runs an input on a node and flushes it; a crash armed for its sync happens here. */
  private void runOn(SimNode node, Consumer<NodeDriver> input) {
    try {
      node.run(() -> input.accept(node.driver()));
    } catch (SimLogStore.Crash crash) {
      crashNow(node, "crashed during sync");
    } catch (SimFailure f) {
      throw f;
    } catch (RuntimeException e) {
      throw new SimFailure(node.id + " failed: " + e, e);
    }
  }

  // ---------------------------------------------------------------- client entry points

  void propose(String id, byte[] command, CompletableFuture<Applied> future) {
    submit(id, future, d -> {
      long before = d.engine().lastIndex();
      d.propose(command, future);
      RaftEngine e = d.engine();
      if (e.lastIndex() > before && !future.isDone()) {
        CertainFailure at = new CertainFailure(id, e.lastIndex(), e.term());
        future.whenComplete((applied, error) -> {
          if (error instanceof RequestFailedException) certainFailures.add(at);
        });
      }
    });
  }

  /**
   * A write reported certainly not applied after its entry was appended must have lost its index to
   * another entry that is committed there: nothing else proves its own entry can never commit (a
   * copy may survive on another node, the Figure 8 shape). Checked after the step, once the
   * invariants have seen the commits it made.
   */
  private void checkCertainFailures() {
    for (var it = certainFailures.iterator(); it.hasNext(); ) {
      CertainFailure f = it.next();
      long committedTerm = invariants.committedTermAt(f.index());
      if (committedTerm == -1 && nodes.get(f.node()).state() == SimNode.State.DOWN) {
        // The node applied the index (that is how a correct runtime learns the answer) and died in
        // the same step, before any check saw its commit: decide once some node commits the index.
        continue;
      }
      if (committedTerm == -1 || committedTerm == f.term()) {
        throw new SimFailure("a write " + f.node() + " appended at index " + f.index() + " in term "
            + f.term() + " was reported certainly not applied, but "
            + (committedTerm == -1 ? "no entry is known committed there yet" : "it was committed"));
      }
      it.remove();
    }
  }

  void query(String id, byte[] query, CompletableFuture<QueryResult> future) {
    query(id, query, ReadConsistency.LINEARIZABLE, 0, future);
  }

  void query(String id, byte[] query, ReadConsistency consistency, long minIndex,
      CompletableFuture<QueryResult> future) {
    submit(id, future, d -> d.query(query, consistency, minIndex, future));
  }

  /** A client request reaches a node: at once if it is up, on resume if it is paused. */
  private void submit(String id, CompletableFuture<?> future, Consumer<NodeDriver> request) {
    SimNode node = nodes.get(id);
    if (node == null) throw new IllegalArgumentException("no node " + id + " in " + ids);
    switch (node.state()) {
      case DOWN -> future.completeExceptionally(refused(id));
      case PAUSED -> node.defer(() -> request.accept(node.driver()));
      case UP -> runOn(node, request);
    }
  }

  /** A request to a dead node never reaches it: certainly not applied. */
  private static RequestFailedException refused(String id) {
    return new RequestFailedException(Reason.SHUTTING_DOWN, id + " is down: connection refused");
  }

  // ---------------------------------------------------------------- faults on nodes

  /** Kills the node now; its disk keeps what was synced (and a crash may tear what was not). */
  public void crash(String id) {
    crashNow(nodes.get(id), "crashed");
  }

  private void crashNow(SimNode node, String why) {
    trace.record(nowTicks, why + " " + node.id, null);
    crashes++;
    node.crash(new Random(diskSeeds.nextLong()), node.id + " " + why);
    // The dead process's host closes its sockets: every peer's transport hears of it, in some order,
    // as the real one does (Transport.InboundHandler#onPeerUnreachable).
    for (String other : ids) {
      if (!other.equals(node.id)) hints.add(new Hint(other, node.id));
    }
  }

  /**
   * Tells {@code to} that {@code about} is unreachable although it may well be alive: a connection
   * that dropped for no fault of the peer. The engine must stay safe when hints lie.
   */
  void falseAlarm(String to, String about) {
    hints.add(new Hint(to, about));
  }

  private void hint(Hint h) {
    SimNode node = nodes.get(h.to());
    trace.record(nowTicks, "unreachable(" + h.about() + ") told to " + h.to()
        + (node.isUp() ? "" : ", who is not up"), null);
    if (node.isUp()) runOn(node, d -> d.peerUnreachable(h.about()));
  }

  /** The node dies in the middle of its next sync, with writes staged but not yet durable. */
  public void crashAtNextSync(String id) {
    nodes.get(id).armCrashAtNextSync();
  }

  /** Starts a dead node again from its disk, as a real restart would. */
  public void restart(String id) {
    start(nodes.get(id));
  }

  private void start(SimNode node) {
    try {
      node.start(engineSeeds.split());
    } catch (RuntimeException e) {
      throw new SimFailure(node.id + " could not restart from its disk: " + e, e);
    }
    trace.record(nowTicks, "start " + node.id, null);
    runOn(node, d -> { }); // apply what the disk says is committed
  }

  public void pause(String id) {
    nodes.get(id).pause();
  }

  public void resume(String id) {
    SimNode node = nodes.get(id);
    boolean wasPaused = node.state() == SimNode.State.PAUSED;
    long owed = node.owedTicks;
    node.owedTicks = 0;
    List<Runnable> waiting = node.resume();
    if (!node.isUp()) return;
    // As RaftNode does: time first, capped at what expires every timer and lease, then the
    // requests that waited. Without this a resumed leader would trust a lease that ran out while
    // it was frozen (SimLeaseTest shows the simulation catches exactly that).
    long catchUp = wasPaused && config.clocks().resumeFeedsTime()
        ? Math.min(owed, 4L * config.raft().electionTimeoutTicks())
        : 0;
    if (catchUp > 0) trace.record(nowTicks, "resume " + id + " after " + owed + " ticks of its clock", null);
    runOn(node, d -> {
      for (long i = 0; i < catchUp; i++) d.tick();
      waiting.forEach(Runnable::run);
    });
  }

  /** The node's clock ticks in this fraction of the global ticks (1 = on time). */
  public void clockRate(String id, double rate) {
    Clocks clocks = config.clocks();
    if (clocks.bounded() && Math.abs(rate - 1) > clocks.maxDrift() + 1e-9) {
      throw new IllegalArgumentException("clock rate " + rate + " is beyond the drift bound " + clocks);
    }
    nodes.get(id).clockRate = rate;
  }

  /** Ends the faults: heals the network, restarts the dead, resumes the paused, fixes the clocks. */
  public void healEverything() {
    faultsOn = false;
    nemesis.stop();
    network.heal();
    nemesis.log("liveness phase: heal(), restart and resume every node, clocks on time");
    for (SimNode node : nodes.values()) {
      node.clockRate = 1.0;
      node.disarmCrash();
      if (node.state() == SimNode.State.DOWN) restart(node.id);
      if (node.state() == SimNode.State.PAUSED) resume(node.id);
    }
  }

  // ---------------------------------------------------------------- looking at the cluster

  /** The node that is leader in the highest term, or null. */
  public String leader() {
    String leader = null;
    long term = -1;
    for (SimNode node : nodes.values()) {
      if (node.isLeader() && node.engine().term() > term) {
        leader = node.id;
        term = node.engine().term();
      }
    }
    return leader;
  }

  /** The leader every node is up and agrees on, in one term; null while there is none. */
  public String agreedLeader() {
    String leader = leader();
    if (leader == null) return null;
    long term = engine(leader).term();
    for (SimNode node : nodes.values()) {
      if (!node.isUp() || !leader.equals(node.engine().leaderId()) || node.engine().term() != term) {
        return null;
      }
    }
    return leader;
  }

  /** The lowest index applied by a running node (0 when none is running). */
  long slowestApplied() {
    long slowest = Long.MAX_VALUE;
    for (SimNode node : nodes.values()) {
      if (node.isUp()) slowest = Math.min(slowest, node.driver().appliedIndex());
    }
    return slowest == Long.MAX_VALUE ? 0 : slowest;
  }

  /** Every node is up and holds the same log, all of it committed and applied. */
  public boolean converged() {
    RaftEngine first = null;
    for (SimNode node : nodes.values()) {
      if (!node.isUp()) return false;
      RaftEngine e = node.engine();
      long last = e.lastIndex();
      if (e.commitIndex() != last || node.driver().appliedIndex() != last) return false;
      if (first != null && (last != first.lastIndex() || e.termAt(last) != first.termAt(last))) {
        return false;
      }
      first = e;
    }
    return true;
  }

  public List<String> ids() {
    return ids;
  }

  public SimNetwork network() {
    return network;
  }

  public long nowTicks() {
    return nowTicks;
  }

  /** The engine of a running or paused node; null while it is down. */
  public RaftEngine engine(String id) {
    return nodes.get(id).engine();
  }

  SimNode node(String id) {
    return nodes.get(id);
  }

  Iterable<SimNode> nodes() {
    return nodes.values();
  }

  SimNode.State state(String id) {
    return nodes.get(id).state();
  }

  int count(SimNode.State state) {
    int n = 0;
    for (SimNode node : nodes.values()) if (node.state() == state) n++;
    return n;
  }

  SimClients clients() {
    return clients;
  }

  Nemesis nemesis() {
    return nemesis;
  }

  Trace trace() {
    return trace;
  }

  Invariants invariants() {
    return invariants;
  }

  SimConfig config() {
    return config;
  }

  long steps() {
    return steps;
  }

  int crashes() {
    return crashes;
  }

  /** One line per node, for reports. */
  String describeNodes() {
    StringBuilder b = new StringBuilder();
    for (SimNode node : nodes.values()) b.append("  ").append(node).append('\n');
    return b.toString();
  }
}
