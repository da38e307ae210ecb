package io.bellwether.testkit.sim;

import io.bellwether.core.message.TimeoutNow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * What happens to a simulated node's process: it starts from its disk, crashes (the disk keeps what
 * was synced and may tear what was not), and resumes after a pause with its clock catching up. A
 * crash also makes every peer's transport hear that the node is unreachable, as closed sockets do.
 */
final class NodeFaults {

  /** A transport's hint still to hand out: {@code to} lost its connection to {@code about}. */
  private record Hint(String to, String about) {}

  private final SimCluster cluster;
  private final SplittableRandom engineSeeds;
  private final SplittableRandom diskSeeds;

  /** Hints due now, handed out one per step in random order like messages. */
  private final List<Hint> hints = new ArrayList<>();
  private int crashes;
  /** The leader to cut off from hearing anyone once its TimeoutNow is delivered, or null. */
  private String deafOnHandover;

  NodeFaults(SimCluster cluster, SplittableRandom engineSeeds, SplittableRandom diskSeeds) {
    this.cluster = cluster;
    this.engineSeeds = engineSeeds;
    this.diskSeeds = diskSeeds;
  }

  /** Starts a node on what its disk holds (the first start, or a restart after a crash). */
  void start(SimNode node) {
    try {
      node.start(engineSeeds.split());
    } catch (RuntimeException e) {
      throw new SimFailure(node.id + " could not restart from its disk: " + e, e);
    }
    cluster.trace().record(cluster.nowTicks(), "start " + node.id, null);
    cluster.runOn(node, d -> { }); // apply what the disk says is committed
  }

  /** Kills the node now; its disk keeps what was synced (and a crash may tear what was not). */
  void crash(SimNode node, String why) {
    cluster.trace().record(cluster.nowTicks(), why + " " + node.id, null);
    crashes++;
    node.crash(new Random(diskSeeds.nextLong()), node.id + " " + why);
    // The dead process's host closes its sockets: every peer's transport hears of it, in some order,
    // as the real one does (Transport.InboundHandler#onPeerUnreachable).
    for (String other : cluster.ids()) {
      if (!other.equals(node.id)) hint(other, node.id);
    }
  }

  /** Queues the hint that {@code to} lost its connection to {@code about}. */
  void hint(String to, String about) {
    hints.add(new Hint(to, about));
  }

  int hintsDue() {
    return hints.size();
  }

  /** Hands the {@code i}-th due hint to its node, if that node is up. */
  void deliverHint(int i) {
    Hint h = hints.remove(i);
    SimNode node = cluster.node(h.to());
    cluster.trace().record(cluster.nowTicks(), "unreachable(" + h.about() + ") told to " + h.to()
        + (node.isUp() ? "" : ", who is not up"), null);
    if (node.isUp()) cluster.runOn(node, d -> d.peerUnreachable(h.about()));
  }

  /**
   * Resumes a paused node as RaftNode does: time first, capped at what expires every timer and
   * lease, then the requests that waited. Without this a resumed leader would trust a lease that ran
   * out while it was frozen (SimLeaseTest shows the simulation catches exactly that).
   */
  void resume(SimNode node) {
    SimConfig config = cluster.config();
    boolean wasPaused = node.state() == SimNode.State.PAUSED;
    long owed = node.owedTicks;
    node.owedTicks = 0;
    List<Runnable> waiting = node.resume();
    if (!node.isUp()) return;
    long catchUp = wasPaused && config.clocks().resumeFeedsTime()
        ? Math.min(owed, 4L * config.raft().electionTimeoutTicks())
        : 0;
    if (catchUp > 0) {
      cluster.trace().record(cluster.nowTicks(), "resume " + node.id + " after " + owed + " ticks of its clock", null);
    }
    cluster.runOn(node, d -> {
      for (long i = 0; i < catchUp; i++) d.tick();
      waiting.forEach(Runnable::run);
    });
  }

  /**
   * Asks {@code leader} to hand its leadership to {@code target}; the answer is not checked (the
   * leadership moves, or the transfer is given up, or the node stepped down meanwhile): the
   * invariants and the history judge what follows. With {@code thenDeaf}, see {@link #handedOver}.
   */
  void transfer(SimNode leader, String target, boolean thenDeaf) {
    deafOnHandover = thenDeaf ? leader.id : null;
    cluster.runOn(leader, d -> d.transferLeadership(target, new CompletableFuture<>()));
  }

  /** A TimeoutNow is being delivered: if its sender was to go deaf then, every link into it is cut. */
  void handedOver(TimeoutNow t) {
    if (!t.from().equals(deafOnHandover)) return;
    for (String other : cluster.ids()) if (!other.equals(t.from())) cluster.network().cutOneWay(other, t.from());
    cluster.nemesis().log("deaf(" + t.from() + "): its TimeoutNow reached " + t.to());
    deafOnHandover = null;
  }

  /** The faults end: the network heals, every node runs again on a clock on time. */
  void healEverything(List<SimNode> nodes) {
    deafOnHandover = null; // no old leader goes deaf any more
    cluster.nemesis().stop();
    cluster.network().heal();
    cluster.nemesis().log("liveness phase: heal(), restart and resume every node, clocks on time");
    for (SimNode node : nodes) {
      node.clockRate = 1.0;
      node.disarmCrash();
      if (node.state() == SimNode.State.DOWN) start(node);
      if (node.state() == SimNode.State.PAUSED) resume(node);
    }
  }

  int crashes() {
    return crashes;
  }
}
