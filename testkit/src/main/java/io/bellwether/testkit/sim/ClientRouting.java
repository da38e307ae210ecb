package io.bellwether.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where a simulated client sends each request: to the last leader a node named, or to any member as
 * discovery would name them, or, while the membership changes, now and then to any node at all, as
 * an address book gone stale would (a spare not added yet, a node removed). Draws from the clients'
 * stream, in the order the clients always drew.
 */
final class ClientRouting {

  private final SimCluster cluster;
  private final SplittableRandom random;
  private String leaderHint;

  ClientRouting(SimCluster cluster, SplittableRandom random) {
    this.cluster = cluster;
    this.random = random;
  }

  /** A node named the leader in a refusal. */
  void leaderNamed(String leader) {
    leaderHint = leader;
  }

  /** Writes go to the last leader a node named, mostly; else anywhere (and get redirected). */
  String writeTarget() {
    return leaderHint != null && random.nextInt(10) < 7 ? leaderHint : randomNode();
  }

  /** Reads go anywhere, mostly: linearizable reads on followers are the point. */
  String readTarget() {
    return leaderHint != null && random.nextInt(10) < 3 ? leaderHint : randomNode();
  }

  /**
   * Half the time any node that believes it leads: when a deposed leader has not yet noticed, that
   * is where a client with an old address goes, and where a lease that is not sound shows. Else
   * where writes go.
   */
  String leaseTarget() {
    if (random.nextBoolean()) {
      List<String> believers = new ArrayList<>();
      for (String id : cluster.ids()) if (cluster.node(id).isLeader()) believers.add(id);
      if (!believers.isEmpty()) return believers.get(random.nextInt(believers.size()));
    }
    return writeTarget();
  }

  /**
   * Any member; when the membership changes (the run has spares), one time in five any node at all.
   * Runs without spares draw exactly as before membership changes existed.
   */
  String randomNode() {
    boolean members = cluster.config().spares() > 0 && random.nextInt(5) > 0;
    List<String> ids = members ? cluster.memberIds() : cluster.ids();
    return ids.get(random.nextInt(ids.size()));
  }
}
