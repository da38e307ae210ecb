package io.bellwether.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Injects faults into a {@link SimCluster} at random times, drawn from a {@link FaultMix}, and keeps
 * the schedule of what it did and when: that schedule, with the seed, is what a failure report
 * needs for a human to follow the run.
 */
final class Nemesis {

  private final SimCluster cluster;
  private final SplittableRandom random;
  private final FaultMix mix;
  private final Clocks clocks;
  private final List<String> schedule = new ArrayList<>();
  private long nextFaultTick;

  /** FLAP in progress, or null. */
  private Flapping flapping;

  /** CRASH_NEW_LEADER armed, or null. */
  private LeaderTrap trap;

  /** COURTED_FOLLOWER under way, or null. */
  private CourtedFollower courted;

  /** RETURNING_LEADER under way, or null. */
  private ReturningLeader returning;

  Nemesis(SimCluster cluster, SplittableRandom random, FaultMix mix, Clocks clocks) {
    this.cluster = cluster;
    this.random = random;
    this.mix = mix;
    this.clocks = clocks;
    this.nextFaultTick = gap();
  }

  boolean due(long nowTicks) {
    if (mix.totalWeight() == 0) return false;
    if (trap != null) trap.watch(cluster);
    if (courted != null) {
      String did = courted.advance(cluster);
      if (did != null) log(did);
      if (!courted.over(nowTicks)) return false; // the script owns the network while it runs
      courted = null;
    }
    if (returning != null) {
      String did = returning.advance(cluster);
      if (did != null) log(did);
      if (!returning.over(nowTicks)) return false;
      returning = null;
    }
    return nowTicks >= nextFaultTick
        || (flapping != null && flapping.due(nowTicks))
        || (trap != null && trap.due(nowTicks));
  }

  /** Performs the fault that is due. */
  void act() {
    long now = cluster.nowTicks();
    if (flapping != null && flapping.due(now)) {
      if (!flapping.toggle(cluster.network(), now, random)) {
        log("flap over: healLinks()");
        flapping = null;
      }
    } else if (trap != null && trap.due(now)) {
      String done = trap.spring(cluster);
      if (done != null) log(done);
      trap = null;
    } else {
      nextFaultTick = now + gap();
      String done = inject(pick());
      if (done != null) log(done);
    }
  }

  List<String> schedule() {
    return schedule;
  }

  /** Records an action taken outside the nemesis (the liveness phase's healing). */
  void log(String action) {
    schedule.add("t=" + cluster.nowTicks() + " " + action);
  }

  /** Ends flapping and disarms traps, so that a healed cluster stays healed. */
  void stop() {
    flapping = null;
    trap = null;
    courted = null;
    returning = null;
  }

  private FaultKind pick() {
    int r = random.nextInt(mix.totalWeight());
    for (FaultKind kind : FaultKind.values()) {
      r -= mix.weight(kind);
      if (r < 0) return kind;
    }
    throw new AssertionError("weights changed");
  }

  /**
   * @return what was done, or null when the fault does not apply now (e.g. nothing to restart)
   */
  private String inject(FaultKind kind) {
    List<String> ids = cluster.ids();
    if (kind.isPartition()) {
      // One partition at a time: piled up, they soon leave no majority anywhere, and a cluster
      // that cannot make progress exercises little. One-way cuts and lossy links do pile up.
      cluster.network().healLinks();
      flapping = null;
    }
    switch (kind) {
      case PARTITION -> {
        Set<String> side = randomMinority(ids);
        cluster.network().partition(side);
        return "partition(" + side + " | rest)";
      }
      case ISOLATE_LEADER -> {
        String leader = cluster.leader();
        if (leader == null) return null;
        cluster.network().isolate(leader);
        return "isolate(" + leader + ") [leader]";
      }
      case ZOMBIE_LEADER -> {
        String leader = cluster.leader();
        if (leader == null) return null;
        // Within the drift bound, the slowest clock allowed: the zombie still outlives its lease in
        // its own eyes by as much as the bound lets it, and no more.
        double rate = clocks.bounded() ? 1 - clocks.maxDrift() : (2 + random.nextInt(3)) / 10.0;
        cluster.network().isolate(leader);
        cluster.clockRate(leader, rate);
        return "isolate(" + leader + ") and clockRate(" + leader + ", " + rate + ") [leader]";
      }
      case ISOLATE_NODE -> {
        String node = any(ids);
        cluster.network().isolate(node);
        return "isolate(" + node + ")";
      }
      case BRIDGE -> {
        List<String> shuffled = shuffled(ids);
        String bridge = shuffled.get(0);
        int half = (shuffled.size() - 1) / 2;
        Set<String> left = new TreeSet<>(shuffled.subList(1, 1 + half));
        Set<String> right = new TreeSet<>(shuffled.subList(1 + half, shuffled.size()));
        cluster.network().bridge(left, right, bridge);
        return "bridge(" + left + " <" + bridge + "> " + right + ")";
      }
      case ONE_WAY -> {
        List<String> pair = shuffled(ids).subList(0, 2);
        cluster.network().cutOneWay(pair.get(0), pair.get(1));
        return "cutOneWay(" + pair.get(0) + " -> " + pair.get(1) + ")";
      }
      case FLAP -> {
        long now = cluster.nowTicks();
        flapping = new Flapping(randomMinority(ids), now, now + 20 + random.nextInt(60));
        return flapping.toString();
      }
      case HEAL -> {
        cluster.network().heal();
        flapping = null;
        return "heal()";
      }
      case LOSS -> {
        double rate = random.nextInt(40) / 100.0;
        cluster.network().dropRate(rate);
        return "dropRate(" + rate + ")";
      }
      case DELAY -> {
        int max = 2 + random.nextInt(12);
        cluster.network().delay(1, max);
        return "delay(1.." + max + " ticks)";
      }
      case DUPLICATE -> {
        double rate = random.nextInt(30) / 100.0;
        cluster.network().duplicateRate(rate);
        return "duplicateRate(" + rate + ")";
      }
      case CRASH -> {
        String node = pickUp();
        if (node == null) return null;
        cluster.crash(node);
        return "crash(" + node + ")";
      }
      case CRASH_LEADER -> {
        String leader = cluster.leader();
        if (leader == null || !mayTakeDown()) return null;
        cluster.crash(leader);
        return "crash(" + leader + ") [leader]";
      }
      case CRASH_NEW_LEADER -> {
        String leader = cluster.leader();
        trap = new LeaderTrap(leader == null ? 0 : cluster.engine(leader).term(), random.nextInt(9));
        return trap.toString();
      }
      case TORN_CRASH -> {
        String node = pickUp();
        if (node == null) return null;
        cluster.crashAtNextSync(node);
        return "crashAtNextSync(" + node + ")";
      }
      case RESTART -> {
        String node = pickIn(SimNode.State.DOWN);
        if (node == null) return null;
        cluster.restart(node);
        return "restart(" + node + ")";
      }
      case PAUSE -> {
        String node = pickUp();
        if (node == null) return null;
        cluster.pause(node);
        return "pause(" + node + ")";
      }
      case PAUSE_LEADER -> {
        String leader = cluster.leader();
        if (leader == null || !mayTakeDown() || cluster.state(leader) != SimNode.State.UP) return null;
        cluster.pause(leader);
        return "pause(" + leader + ") [leader]";
      }
      case RESUME -> {
        String node = pickIn(SimNode.State.PAUSED);
        if (node == null) return null;
        cluster.resume(node);
        return "resume(" + node + ")";
      }
      case TRANSFER_LEADER -> {
        String leader = cluster.leader();
        if (leader == null || cluster.state(leader) != SimNode.State.UP) return null;
        String target = any(ids.stream().filter(n -> !n.equals(leader)).toList());
        // Half the time the old leader goes deaf the moment its TimeoutNow arrives: it never hears
        // its successor, and whatever it answers from its lease after that is the test.
        boolean deafen = random.nextBoolean();
        cluster.transferLeadership(leader, target, deafen);
        return "transferLeadership(" + leader + " -> " + target + ")" + (deafen ? " [then deaf]" : "");
      }
      case FALSE_ALARM -> {
        String leader = cluster.leader();
        if (leader == null) return null;
        String node = any(ids.stream().filter(n -> !n.equals(leader)).toList());
        cluster.falseAlarm(node, leader);
        return "falseAlarm(" + node + " told " + leader + " is unreachable)";
      }
      case COURTED_FOLLOWER -> {
        String leader = cluster.leader();
        if (leader == null || cluster.state(leader) != SimNode.State.UP) return null;
        List<String> others = ids.stream()
            .filter(n -> !n.equals(leader) && cluster.state(n) == SimNode.State.UP).toList();
        if (others.size() < 2) return null;
        // The candidate is the first survivor by id: told the leader is unreachable, it asks first.
        String candidate = others.get(0);
        List<String> rest = shuffled(others.subList(1, others.size()));
        String follower = rest.get(0);
        int majority = ids.size() / 2 + 1;
        if (rest.size() - 1 < majority - 2) return null;
        List<String> allies = rest.subList(1, 1 + majority - 2);
        cluster.network().heal();
        flapping = null;
        trap = null;
        courted = new CourtedFollower(leader, follower, candidate, allies,
            cluster.engine(leader).term(), cluster.nowTicks());
        return "heal(), then " + courted.begin(cluster);
      }
      case RETURNING_LEADER -> {
        String leader = cluster.leader();
        if (leader == null || cluster.state(leader) != SimNode.State.UP) return null;
        cluster.network().heal();
        flapping = null;
        trap = null;
        returning = new ReturningLeader(leader, cluster.engine(leader).term(), cluster.nowTicks());
        return "heal(), then " + returning.begin(cluster);
      }
      case CLOCK_SKEW -> {
        // Half the time the leader's: a leader with a slow clock outlives its lease in its own eyes.
        String leader = cluster.leader();
        String node = leader != null && random.nextBoolean() ? leader : any(ids);
        double rate = clocks.bounded()
            ? boundedRate()
            : random.nextBoolean() ? 1.0 : (2 + random.nextInt(7)) / 10.0;
        cluster.clockRate(node, rate);
        return "clockRate(" + node + ", " + rate + ")";
      }
    }
    throw new AssertionError(kind);
  }

  /**
   * A clock rate within the drift bound: a third of the time one of its ends (the worst case for a
   * lease: a slow leader, fast followers), else anywhere in it, rounded to 1/1000.
   */
  double boundedRate() {
    double d = clocks.maxDrift();
    return switch (random.nextInt(6)) {
      case 0 -> 1 - d;
      case 1 -> 1 + d;
      default -> 1 + Math.round((random.nextDouble() * 2 - 1) * d * 1000) / 1000.0;
    };
  }

  /** A node that is up and may be taken down without passing the cap on failed nodes. */
  private String pickUp() {
    return mayTakeDown() ? pickIn(SimNode.State.UP) : null;
  }

  private boolean mayTakeDown() {
    int n = cluster.ids().size();
    int cap = mix.majorityMayFail() ? n - 1 : (n - 1) / 2;
    return cluster.count(SimNode.State.DOWN) + cluster.count(SimNode.State.PAUSED) < cap;
  }

  private String pickIn(SimNode.State state) {
    List<String> in = new ArrayList<>();
    for (String id : cluster.ids()) {
      if (cluster.state(id) == state) in.add(id);
    }
    return in.isEmpty() ? null : any(in);
  }

  /** One to half of the nodes, at random. */
  private Set<String> randomMinority(List<String> ids) {
    int size = 1 + random.nextInt(ids.size() / 2);
    return new TreeSet<>(shuffled(ids).subList(0, size));
  }

  private List<String> shuffled(List<String> ids) {
    List<String> out = new ArrayList<>(ids);
    for (int i = out.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      out.set(j, out.set(i, out.get(j)));
    }
    return out;
  }

  private String any(List<String> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  private long gap() {
    return mix.minGapTicks() + random.nextInt(mix.maxGapTicks() - mix.minGapTicks() + 1);
  }
}
