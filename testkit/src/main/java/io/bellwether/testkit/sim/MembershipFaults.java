package io.bellwether.testkit.sim;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.RaftEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * The {@link Nemesis}'s membership changes ({@link FaultKind#ADD_LEARNER}, {@link
 * FaultKind#PROMOTE}, {@link FaultKind#REMOVE}), asked of the leader as an operator would, through
 * its runtime ({@code NodeDriver.changeMembership}). A refusal (no leader, a change in progress, a
 * learner not caught up) is a normal answer and goes into the schedule; so does the index of an
 * accepted change. A third of the time a second change is asked for at once, before the first can
 * commit: the shape that two changes in flight would need.
 */
final class MembershipFaults {

  /** REMOVE never leaves fewer voters than this, so that one failed voter still leaves a majority. */
  static final int MIN_VOTERS = 3;

  /** A learner this far behind the leader's log, or further, is not promoted. */
  static final long MAX_LAG_ENTRIES = 20;

  private static final List<FaultKind> CHANGES =
      List.of(FaultKind.ADD_LEARNER, FaultKind.PROMOTE, FaultKind.REMOVE);

  private final SimCluster cluster;
  private final SplittableRandom random;
  private final Draws draws;

  MembershipFaults(SimCluster cluster, Draws draws) {
    this.cluster = cluster;
    this.random = draws.random;
    this.draws = draws;
  }

  /** @return what was done, or null when it does not apply now (no leader, nobody to add...) */
  String inject(FaultKind kind) {
    String leader = cluster.leader();
    if (leader == null || cluster.state(leader) != SimNode.State.UP) return null;
    String first = change(leader, kind);
    if (first == null || random.nextInt(3) != 0 || !cluster.node(leader).isLeader()) return first;
    String second = change(leader, CHANGES.get(random.nextInt(CHANGES.size())));
    return second == null ? first : first + ", then at once " + second;
  }

  /**
   * Asks {@code leader} for one change of {@code kind}. When there is nothing to change so, the
   * change that makes one possible is asked instead (a learner is added to be promoted or removed;
   * with nobody left to add, a learner is promoted or a member removed), so that the membership
   * keeps moving; null only when nothing at all can change.
   */
  private String change(String leader, FaultKind kind) {
    return change(leader, kind, 0);
  }

  private String change(String leader, FaultKind kind, int fallbacks) {
    if (fallbacks > 2) return null;
    Membership m = cluster.engine(leader).membership();
    switch (kind) {
      case ADD_LEARNER -> {
        List<String> outside = new ArrayList<>();
        for (String id : cluster.ids()) if (!m.contains(id)) outside.add(id);
        if (outside.isEmpty()) {
          FaultKind instead = m.learners().isEmpty() ? FaultKind.REMOVE : FaultKind.PROMOTE;
          return change(leader, instead, fallbacks + 1);
        }
        String node = any(outside);
        return ask(leader, "addLearner(" + node + ")", e -> e.addLearner(Member.learner(node, null, null)))
            .said();
      }
      case PROMOTE -> {
        if (m.learners().isEmpty()) return change(leader, FaultKind.ADD_LEARNER, fallbacks + 1);
        String node = any(m.learners());
        return ask(leader, "promote(" + node + ")", e -> e.promote(node, MAX_LAG_ENTRIES)).said();
      }
      case REMOVE -> {
        List<String> removable = new ArrayList<>();
        for (Member member : m.members()) if (mayRemove(m, member.id())) removable.add(member.id());
        if (removable.isEmpty()) return change(leader, FaultKind.ADD_LEARNER, fallbacks + 1);
        // A quarter of the time the leader itself, when it may go: it steps down once that commits.
        String node = removable.contains(leader) && random.nextInt(4) == 0 ? leader : any(removable);
        return ask(leader, "remove(" + node + ")" + (node.equals(leader) ? " [itself]" : ""),
            e -> e.removeMember(node)).said();
      }
      default -> throw new IllegalArgumentException(kind + " is no membership change");
    }
  }

  /**
   * A learner may always go; a voter only if at least {@link #MIN_VOTERS} remain, and as many of
   * them are running as the nemesis lets run in a cluster of that size.
   */
  private boolean mayRemove(Membership m, String id) {
    if (!m.isVoter(id)) return true;
    int remaining = m.voters().size() - 1;
    if (remaining < MIN_VOTERS) return false;
    int notRunning = 0;
    for (String v : m.voters()) {
      if (!v.equals(id) && cluster.state(v) != SimNode.State.UP) notRunning++;
    }
    return notRunning <= (remaining - 1) / 2;
  }

  /** What a node answered at once: the index of the configuration entry, or -1 for a refusal. */
  record Answer(String said, long index) {
    boolean accepted() {
      return index >= 0;
    }
  }

  /** Asks {@code node} (up) for {@code change}. */
  Answer ask(String node, String what, ToLongFunction<RaftEngine> change) {
    long[] index = {-1};
    CompletableFuture<Membership> done = new CompletableFuture<>();
    cluster.entry().changeMembership(node, e -> index[0] = change.applyAsLong(e), done);
    if (index[0] >= 0) return new Answer(what + " by " + node + ": entry " + index[0], index[0]);
    Throwable why = done.handle((ok, e) -> e).join();
    return new Answer(what + " by " + node + ": refused, "
        + (why instanceof RequestFailedException rf ? rf.reason() : String.valueOf(why)), -1);
  }

  private String any(List<String> ids) {
    return draws.any(ids);
  }
}
