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
  private final Draws draws;
  private final MembershipFaults membership;
  private final FaultMix mix;
  /** The mix's total weight, summed once: due() asks before every step. */
  private final int totalWeight;
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

  /** STRANDED_CHANGE under way, or null. */
  private StrandedChange stranded;

  Nemesis(SimCluster cluster, SplittableRandom random, FaultMix mix, Clocks clocks) {
    this.cluster = cluster;
    this.random = random;
    this.draws = new Draws(random);
    this.membership = new MembershipFaults(cluster, draws);
    this.mix = mix;
    this.totalWeight = mix.totalWeight();
    this.clocks = clocks;
    this.nextFaultTick = gap();
  }

  boolean due(long nowTicks) {
    if (totalWeight == 0) return false;
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
    if (stranded != null) {
      String did = stranded.advance(cluster);
      if (did != null) log(did);
      if (!stranded.over(nowTicks)) return false;
      stranded = null;
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
    stranded = null;
  }

  private FaultKind pick() {
    int r = random.nextInt(totalWeight);
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
    // Network faults aim at the members; nodes that are none are crashed, paused and restarted too.
    List<String> ids = cluster.memberIds();
    if (kind.isPartition()) {
      // One partition at a time: piled up, they soon leave no majority anywhere, and a cluster
      // that cannot make progress exercises little. One-way cuts and lossy links do pile up.
      cluster.network().healLinks();
      flapping = null;
    }
    switch (kind) {
      case PARTITION -> {
        Set<String> side = draws.minority(ids);
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
        String node = draws.any(ids);
        cluster.network().isolate(node);
        return "isolate(" + node + ")";
      }
      case BRIDGE -> {
        List<String> shuffled = draws.shuffled(ids);
        String bridge = shuffled.get(0);
        int half = (shuffled.size() - 1) / 2;
        Set<String> left = new TreeSet<>(shuffled.subList(1, 1 + half));
        Set<String> right = new TreeSet<>(shuffled.subList(1 + half, shuffled.size()));
        cluster.network().bridge(left, right, bridge);
        return "bridge(" + left + " <" + bridge + "> " + right + ")";
      }
      case ONE_WAY -> {
        List<String> pair = draws.shuffled(ids).subList(0, 2);
        cluster.network().cutOneWay(pair.get(0), pair.get(1));
        return "cutOneWay(" + pair.get(0) + " -> " + pair.get(1) + ")";
      }
      case FLAP -> {
        long now = cluster.nowTicks();
        flapping = new Flapping(draws.minority(ids), now, now + 20 + random.nextInt(60));
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
        List<String> others = cluster.voterIds(leader).stream().filter(n -> !n.equals(leader)).toList();
        if (others.isEmpty()) return null;
        String target = draws.any(others);
        // Half the time the old leader goes deaf the moment its TimeoutNow arrives: it never hears
        // its successor, and whatever it answers from its lease after that is the test.
        boolean deafen = random.nextBoolean();
        cluster.transferLeadership(leader, target, deafen);
        return "transferLeadership(" + leader + " -> " + target + ")" + (deafen ? " [then deaf]" : "");
      }
      case FALSE_ALARM -> {
        String leader = cluster.leader();
        if (leader == null) return null;
        String node = draws.any(ids.stream().filter(n -> !n.equals(leader)).toList());
        cluster.falseAlarm(node, leader);
        return "falseAlarm(" + node + " told " + leader + " is unreachable)";
      }
      case COURTED_FOLLOWER -> {
        String leader = cluster.leader();
        if (leader == null || cluster.state(leader) != SimNode.State.UP) return null;
        courted = CourtedFollower.of(cluster, leader, draws);
        if (courted == null) return null;
        flapping = null;
        trap = null;
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
        String node = leader != null && random.nextBoolean() ? leader : draws.any(ids);
        double rate = clocks.bounded()
            ? draws.boundedRate(clocks.maxDrift())
            : random.nextBoolean() ? 1.0 : (2 + random.nextInt(7)) / 10.0;
        cluster.clockRate(node, rate);
        return "clockRate(" + node + ", " + rate + ")";
      }
      case ADD_LEARNER, PROMOTE, REMOVE -> {
        return membership.inject(kind);
      }
      case STRANDED_CHANGE -> {
        String leader = cluster.leader();
        if (leader == null || cluster.state(leader) != SimNode.State.UP) return null;
        stranded = new StrandedChange(cluster, leader, membership, draws);
        flapping = null;
        trap = null;
        return stranded.begin(cluster);
      }
    }
    throw new AssertionError(kind);
  }

  /**
   * A node that is up and may be taken down without passing the cap on failed nodes: a member, or,
   * one time in five when the membership changes, any node (a spare, a removed member).
   */
  private String pickUp() {
    if (!mayTakeDown()) return null;
    boolean anyNode = cluster.config().spares() == 0 || random.nextInt(5) == 0;
    return pickIn(SimNode.State.UP, anyNode ? cluster.ids() : cluster.memberIds());
  }

  /** Fewer of the members' voters are down or paused than the mix lets fail at once. */
  private boolean mayTakeDown() {
    List<String> voters = cluster.voterIds(cluster.leader());
    int n = voters.size();
    int cap = mix.majorityMayFail() ? n - 1 : (n - 1) / 2;
    int failed = 0;
    for (String v : voters) if (cluster.state(v) != SimNode.State.UP) failed++;
    return failed < cap;
  }

  private String pickIn(SimNode.State state) {
    return pickIn(state, cluster.ids());
  }

  private String pickIn(SimNode.State state, List<String> ids) {
    List<String> in = new ArrayList<>();
    for (String id : ids) {
      if (cluster.state(id) == state) in.add(id);
    }
    return in.isEmpty() ? null : draws.any(in);
  }

  private long gap() {
    return mix.minGapTicks() + random.nextInt(mix.maxGapTicks() - mix.minGapTicks() + 1);
  }
}
