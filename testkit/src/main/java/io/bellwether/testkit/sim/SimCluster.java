package io.bellwether.testkit.sim;

import io.bellwether.core.Membership;
import io.bellwether.core.kv.KvStorage;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.TimeoutNow;
import io.bellwether.core.runtime.NodeDriver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

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
  private final ConfigInvariants configs;
  private final PromiseInvariants promises;
  private final List<SimNode> nodeList = new ArrayList<>();

  private final ClientEntry entry = new ClientEntry(this);
  private final SimClients clients;
  /** Lease clients and the leaders' expiry loops; null when the run has no leases. */
  private final SimLeaseClients leases;
  private final Nemesis nemesis;
  private final Trace trace = new Trace();

  // One stream per concern, so that a change in one (say, more clients) leaves the others alone.
  private final SplittableRandom scheduler;
  private final NodeClocks clocks;
  private final NodeFaults faults;

  private long nowTicks;
  private boolean faultsOn = true;
  private long steps;

  public SimCluster(SimConfig config) {
    this(config, id -> KvStorage.inMemory());
  }

  /**
   * A cluster whose nodes keep their key-value state in what {@code kvStorage} opens for a node id, at
   * each start of that node (a restart reopens what the previous life left; see {@link
   * Simulation#runWithStorage}).
   */
  public SimCluster(SimConfig config, Function<String, KvStorage> kvStorage) {
    this.config = config;
    SplittableRandom root = new SplittableRandom(config.seed());
    this.scheduler = root.split();
    SplittableRandom engineSeeds = root.split();
    SplittableRandom diskSeeds = root.split();
    this.clocks = new NodeClocks(config.clocks(), scheduler);
    this.faults = new NodeFaults(this, engineSeeds, diskSeeds);
    for (int i = 1; i <= config.nodes() + config.spares(); i++) ids.add("n" + i);
    this.network = new SimNetwork(ids, root.split());
    this.clients = new SimClients(this, root.split(), config.clients(), config.keys(),
        config.clientTimeoutTicks());
    this.nemesis = new Nemesis(this, root.split(), config.faults(), config.clocks());
    this.promises = new PromiseInvariants(config.clocks().bounded() && config.clocks().resumeFeedsTime());
    // The founders n1..nN bootstrap as the voters; the spares after them start empty and wait.
    Membership founders = Membership.ofVoters(ids.subList(0, config.nodes()));
    this.configs = new ConfigInvariants(invariants, founders);
    // Split last, so that the streams above are the same as before bounded clocks existed.
    SplittableRandom clockSeeds = root.split();
    // Leases draw from a stream of their own, outside the root's, so runs without them are unchanged.
    LeaseExpiryCheck leaseCheck = config.leases().on() ? new LeaseExpiryCheck(config.clocks()) : null;
    this.leases = leaseCheck == null ? null : new SimLeaseClients(this,
        new SplittableRandom(config.seed() ^ 0x1EA5EL), leaseCheck, config.leases().clients(),
        config.clientTimeoutTicks());
    for (String id : ids) {
      Membership bootstrap = founders.contains(id) ? founders : Membership.EMPTY;
      nodes.put(id, new SimNode(id, bootstrap, config, network, invariants, kvStorage));
      nodes.get(id).leaseCheck = leaseCheck;
      clocks.startOutOfStep(nodes.get(id), clockSeeds);
      nodeList.add(nodes.get(id));
      faults.start(nodes.get(id));
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

  /** Runs until {@code condition} holds (checked after every step): false if not in {@code maxTicks}. */
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
    int ticks = clocks.dueCount();
    int messages = network.dueCount();
    int requests = clients.dueCount(nowTicks);
    int leaseRequests = leases == null ? 0 : leases.dueCount(nowTicks);
    int total = ticks + messages + requests + faults + this.faults.hintsDue() + leaseRequests;
    if (total == 0) return false;
    int r = scheduler.nextInt(total);
    steps++;
    if (r < ticks) {
      tick(clocks.take(r));
    } else if ((r -= ticks) < messages) {
      deliver(network.takeDue(r));
    } else if ((r -= messages) < requests) {
      trace.record(nowTicks, "client", null);
      clients.act(r);
    } else if ((r -= requests) < faults) {
      trace.record(nowTicks, "nemesis", null);
      nemesis.act();
    } else if ((r -= faults) < leaseRequests) {
      trace.record(nowTicks, "lease client", null);
      leases.act(r);
    } else {
      this.faults.deliverHint(r - leaseRequests);
    }
    clients.throwIfBroken();
    if (leases != null) leases.throwIfBroken();
    invariants.check(nodes.values());
    configs.check(nodeList);
    promises.check(nodeList);
    entry.checkCertainFailures(invariants, nodes);
    return true;
  }

  private void advanceTick() {
    nowTicks++;
    network.advanceTo(nowTicks);
    clients.expire(nowTicks);
    if (leases != null) leases.expire(nowTicks);
    clocks.advance(nodes.values());
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
    if (leases != null) leases.ticked(node);
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
    if (m instanceof RequestVote rv && rv.transfer()) node.transferVoteAsked(rv.from(), rv.term());
    if (m instanceof TimeoutNow t) faults.handedOver(t);
    runOn(node, d -> d.receive(m));
    if (contact && node.isUp()) node.lastLeaderContactTick = node.engine().ticks();
  }

  /** Runs an input on a node and flushes it; a crash armed for its sync happens here. */
  void runOn(SimNode node, Consumer<NodeDriver> input) {
    try {
      node.run(() -> input.accept(node.driver()));
    } catch (SimLogStore.Crash crash) {
      faults.crash(node, "crashed during sync");
    } catch (SimFailure f) {
      throw f;
    } catch (RuntimeException e) {
      throw new SimFailure(node.id + " failed: " + e, e);
    }
  }

  // ---------------------------------------------------------------- faults on nodes

  /** Kills the node now; its disk keeps what was synced (and a crash may tear what was not). */
  public void crash(String id) {
    faults.crash(node(id), "crashed");
  }

  /** Tells {@code to} that {@code about} is unreachable, although it may live: hints may lie. */
  void falseAlarm(String to, String about) {
    faults.hint(to, about);
  }

  /** The node dies in the middle of its next sync, with writes staged but not yet durable. */
  public void crashAtNextSync(String id) {
    node(id).armCrashAtNextSync();
  }

  /** Starts a dead node again from its disk, as a real restart would. */
  public void restart(String id) {
    faults.start(node(id));
  }

  /**
   * Asks {@code leader}, which is up, to hand its leadership to {@code target} (ignored if it no
   * longer leads). With {@code thenDeaf}, every link into the old leader is cut the moment its
   * TimeoutNow arrives, so it never hears of its successor.
   */
  public void transferLeadership(String leader, String target, boolean thenDeaf) {
    faults.transfer(node(leader), target, thenDeaf);
  }

  /** Freezes the node as a long GC pause or SIGSTOP would: no clock, no messages, no requests. */
  public void pause(String id) {
    node(id).pause();
  }

  /** Thaws a paused node: its clock catches up first, then what waited for it. */
  public void resume(String id) {
    faults.resume(node(id));
  }

  /** The node's clock ticks in this fraction of the global ticks (1 = on time). */
  public void clockRate(String id, double rate) {
    clocks.setRate(nodes.get(id), rate);
  }

  /** Ends the faults: heals the network, runs every node again (members or not), on time. */
  public void healEverything() {
    faultsOn = false;
    faults.healEverything(nodeList);
  }

  // ---------------------------------------------------------------- looking at the cluster

  /** The node that is leader in the highest term, or null. */
  public String leader() {
    return Agreement.leader(nodes.values());
  }

  /** The leader every member of its configuration is up and agrees on, in one term; else null. */
  public String agreedLeader() {
    return Agreement.agreedLeader(nodes.values());
  }

  /** The lowest index applied by a running member (0 when none is running). */
  long slowestApplied() {
    return Agreement.slowestApplied(memberNodes());
  }

  /** Every member is up and holds the same log, all of it committed and applied. */
  public boolean converged() {
    return Agreement.converged(memberNodes());
  }

  /** Every node of the simulation, members or not: the founders, then the spares. */
  public List<String> ids() {
    return ids;
  }

  /** The configuration a client or operator would learn: see {@link Agreement#members}. */
  public Membership members() {
    return Agreement.members(nodeList, configs.newestCommitted());
  }

  /** The members' ids (voters and learners), in the order of {@link #ids}. */
  List<String> memberIds() {
    return ids.stream().filter(members()::contains).toList();
  }

  /** The voters of {@code leader}'s configuration (null: of {@link #members}), in id order. */
  List<String> voterIds(String leader) {
    Membership m = leader == null || engine(leader) == null ? members() : engine(leader).membership();
    return ids.stream().filter(m::isVoter).toList();
  }

  List<SimNode> memberNodes() {
    Membership m = members();
    return nodeList.stream().filter(n -> m.contains(n.id)).toList();
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

  SimNode.State state(String id) {
    return nodes.get(id).state();
  }

  /** Where clients' requests reach the nodes. */
  ClientEntry entry() {
    return entry;
  }

  /** The lease clients, or null when the run has no leases. */
  SimLeaseClients leaseClients() {
    return leases;
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

  ConfigInvariants configInvariants() {
    return configs;
  }

  SimConfig config() {
    return config;
  }

  long steps() {
    return steps;
  }

  int crashes() {
    return faults.crashes();
  }

  /** One line per node, for reports. */
  String describeNodes() {
    return Agreement.describe(nodeList);
  }
}
