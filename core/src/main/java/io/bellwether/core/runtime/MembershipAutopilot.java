package io.bellwether.core.runtime;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.Role;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.PeerAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster's membership in step with what a {@link Discovery} system sees, on the leader
 * only (Consul calls this autopilot): a node that discovery announces and that is not a member is
 * added as a learner; with {@code autoPromote}, learners are promoted while the voters number fewer
 * than {@code targetVoters}; with {@code removeAfter}, a member that discovery has not seen for that
 * long is removed. Voting stays Raft state: discovery only proposes changes, which the leader makes
 * through the log with all of its checks, one at a time.
 *
 * <p>Removal is off unless asked for, because discovery can be wrong: a partition of the discovery
 * system itself (Hazelcast's split brain) would otherwise shrink the cluster's quorum without any
 * node having failed. A removal never takes the last voter, nor this leader itself.
 *
 * <p>Driven by {@link #reconcile()}, which the caller runs periodically (a timer thread is enough:
 * it only reads the node's status and asks for one change at a time, never blocking).
 */
public final class MembershipAutopilot {

  private static final Logger LOG = LoggerFactory.getLogger(MembershipAutopilot.class);

  /**
   * @param autoPromote whether to promote caught-up learners while voters number fewer than {@code
   *     targetVoters}
   * @param targetVoters how many voters to promote up to
   * @param removeAfter how long a member may be missing from discovery before it is removed; null
   *     never removes
   */
  public record Settings(boolean autoPromote, int targetVoters, Duration removeAfter) {
    public Settings {
      if (targetVoters < 1) throw new IllegalArgumentException("targetVoters must be >= 1");
      if (removeAfter != null && (removeAfter.isNegative() || removeAfter.isZero())) {
        throw new IllegalArgumentException("removeAfter must be positive");
      }
    }
  }

  private final RaftNode node;
  private final Discovery discovery;
  private final Settings settings;
  private final LongSupplier nanoClock;

  /**
   * Nodes removed from the configuration while discovery still saw them (an operator removed a
   * running node): never added back until they leave discovery, or the autopilot would undo every
   * removal of a node that has not stopped yet.
   */
  private final java.util.Set<String> removedWhileSeen = new java.util.HashSet<>();

  /** The configuration of the last look, to tell which members were removed since. */
  private Membership lastSeenMembership;

  /** When each member was first seen missing from discovery (nanoClock), while it stays missing. */
  private final Map<String, Long> missingSince = new HashMap<>();

  /** How long a learner whose promotion was refused (it was behind) waits for its next try. */
  private static final long PROMOTE_BACKOFF_NANOS = Duration.ofSeconds(1).toNanos();

  /** Learners whose last promotion was refused, and until when they wait (nanoClock). */
  private final Map<String, Long> notCaughtUpUntil = new java.util.concurrent.ConcurrentHashMap<>();

  /** The change asked for and not answered yet; one at a time, as Raft makes them. */
  private CompletableFuture<Membership> inFlight;

  public MembershipAutopilot(RaftNode node, Discovery discovery, Settings settings) {
    this(node, discovery, settings, System::nanoTime);
  }

  MembershipAutopilot(RaftNode node, Discovery discovery, Settings settings, LongSupplier nanoClock) {
    this.node = Objects.requireNonNull(node, "node");
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.nanoClock = nanoClock;
  }

  /**
   * One look at discovery and the configuration: asks for at most one change if this node leads
   * and no change is pending. Never blocks; call it from one thread at a time.
   *
   * @return a description of the change asked for, or null when none was
   */
  public synchronized String reconcile() {
    NodeStatus status = node.status();
    Membership members = status.membership();
    Map<String, PeerAddress> seen = discovery.peers();
    // On every node, not only the leader: a removal stands after the leadership moves too.
    noteRemovals(members, seen);
    if (inFlight != null && !inFlight.isDone()) return null;
    if (!status.running() || status.role() != Role.LEADER || status.membershipChangePending()) {
      missingSince.clear(); // a new leader measures absence afresh
      return null;
    }
    // Removal before promotion: a learner that cannot catch up must never keep a dead member in.
    String change = addOne(members, seen);
    if (change == null && settings.removeAfter() != null) change = removeOne(status.nodeId(), members, seen);
    if (change == null && settings.autoPromote()) change = promoteOne(members, seen);
    return change;
  }

  private void noteRemovals(Membership members, Map<String, PeerAddress> seen) {
    removedWhileSeen.removeIf(id -> !seen.containsKey(id));
    // The status may not show yet a configuration this pilot's own change already reported.
    if (lastSeenMembership != null && members.index() < lastSeenMembership.index()) return;
    if (lastSeenMembership != null) {
      for (Member m : lastSeenMembership.members()) {
        if (!members.contains(m.id()) && seen.containsKey(m.id())) removedWhileSeen.add(m.id());
      }
    }
    lastSeenMembership = members;
  }

  private String addOne(Membership members, Map<String, PeerAddress> seen) {
    for (PeerAddress a : seen.values()) {
      if (members.contains(a.nodeId()) || removedWhileSeen.contains(a.nodeId())) continue;
      Member learner = Member.learner(a.nodeId(), a.peer().toString(),
          a.http() == null ? null : a.http().toString());
      return ask("add learner " + a.nodeId(), node.addLearner(learner));
    }
    return null;
  }

  private String promoteOne(Membership members, Map<String, PeerAddress> seen) {
    if (members.voters().size() >= settings.targetVoters()) return null;
    long now = nanoClock.getAsLong();
    for (String learner : members.learners()) {
      if (!seen.containsKey(learner)) continue; // a learner discovery lost is no voter to count on
      Long until = notCaughtUpUntil.get(learner);
      if (until != null && now - until < 0) continue; // refused lately: give the others a turn
      CompletableFuture<Membership> answer = node.promote(learner);
      answer.whenComplete((m, failure) -> {
        if (failure != null) notCaughtUpUntil.put(learner, nanoClock.getAsLong() + PROMOTE_BACKOFF_NANOS);
      });
      return ask("promote " + learner, answer);
    }
    return null;
  }

  private String removeOne(String self, Membership members, Map<String, PeerAddress> seen) {
    long now = nanoClock.getAsLong();
    missingSince.keySet().removeIf(id -> seen.containsKey(id) || !members.contains(id));
    for (Member m : members.members()) {
      if (m.id().equals(self) || seen.containsKey(m.id())) continue;
      long since = missingSince.computeIfAbsent(m.id(), id -> now);
      if (now - since < settings.removeAfter().toNanos()) continue;
      if (m.voter() && members.voters().size() == 1) continue;
      missingSince.remove(m.id());
      return ask("remove " + m.id() + " (missing from discovery for "
          + Duration.ofNanos(now - since).toSeconds() + " s)", node.removeMember(m.id()));
    }
    return null;
  }

  /**
   * A configuration the answer to this pilot's own change reported. Without it, a node the pilot
   * added and an operator removed before the pilot's next look was never seen as a member, so its
   * removal went unnoticed and the pilot added it back.
   */
  private synchronized void observed(Membership m) {
    if (m != null && (lastSeenMembership == null || m.index() > lastSeenMembership.index())) lastSeenMembership = m;
  }

  private String ask(String change, CompletableFuture<Membership> answer) {
    inFlight = answer;
    LOG.info("membership autopilot: {}", change);
    answer.whenComplete((m, failure) -> {
      if (failure == null) {
        LOG.info("membership autopilot: {} done, configuration {}", change, m);
        observed(m);
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      // NOT_CAUGHT_UP, CHANGE_IN_PROGRESS, a lost leadership: the next round tries again.
      if (cause instanceof RequestFailedException r) {
        LOG.info("membership autopilot: {} not done now ({}: {})", change, r.reason(), r.getMessage());
      } else {
        LOG.warn("membership autopilot: {} failed: {}", change, cause.toString());
      }
    });
    return change;
  }
}
