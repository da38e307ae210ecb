package io.bellwether.core.runtime;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Elections;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator and the {@link NodeObserver} when this node's role, term or known leader
 * changed, or the cluster configuration it uses, when it started an election (and why), stepped
 * down as leader (and why), and how long it had no leader: one log line per change, so that whoever
 * reads the logs of a failover or a membership change sees who led when, and who was a member.
 * Asked after every batch; it compares with what it reported last (the engine's {@link Elections}
 * counts included), so the usual case costs a few comparisons. Node thread only.
 *
 * <p>The leaderless time is measured here, on the wall clock, not in the engine's ticks: it runs
 * from the batch that last carried a leader's message (a leader counts as hearing from itself) to
 * the batch in which this node knows a leader again, so it includes the time this node took to
 * notice the silence, which is when writes through it stopped.
 */
final class RoleChangeReports {

  // The driver's logger, as before this class existed: operators filter on it.
  private static final Logger LOG = LoggerFactory.getLogger(NodeDriver.class);

  private final RaftEngine engine;
  private final LongSupplier nanoClock;
  private NodeObserver observer = NodeObserver.NONE;
  private Role reportedRole;
  private long reportedTerm = -1;
  private String reportedLeader;
  private Membership reportedMembership;
  private long reportedElections;
  private long reportedStepDowns;
  private long reportedContacts;

  /** The last leader this node knew, kept while it knows none. */
  private String lastKnownLeader;

  /**
   * When this node last heard from a leader or stopped leading, or when it started; kept only while
   * an observer is set.
   */
  private long lastLeaderContactNanos;

  RoleChangeReports(RaftEngine engine) {
    this(engine, System::nanoTime);
  }

  RoleChangeReports(RaftEngine engine, LongSupplier nanoClock) {
    this.engine = engine;
    this.nanoClock = nanoClock;
    this.lastLeaderContactNanos = nanoClock.getAsLong();
    Elections e = engine.elections();
    this.reportedElections = e.started();
    this.reportedStepDowns = e.stepDowns();
    this.reportedContacts = e.leaderContacts();
  }

  void observe(NodeObserver observer) {
    this.observer = observer;
  }

  /** Reports whatever changed since the last report: configuration, step-down, election, role, leader. */
  void report() {
    Membership membership = engine.membership();
    if (membership != reportedMembership) { // a new configuration is always a new object
      reportedMembership = membership;
      LOG.info("node {}: configuration {} voters={} learners={}", engine.id(), membership.index(),
          membership.voters(), membership.learners());
      observer.membershipChanged(membership);
    }
    Elections elections = engine.elections();
    if (elections.stepDowns() != reportedStepDowns) {
      reportedStepDowns = elections.stepDowns();
      LOG.info("node {}: stepped down as leader ({})", engine.id(), elections.lastStepDownReason().label());
      observer.steppedDown(reportedTerm, elections.lastStepDownReason());
    }
    if (elections.started() != reportedElections) {
      reportedElections = elections.started();
      LOG.info("node {}: started an election for term {} ({})", engine.id(), elections.lastTerm(),
          elections.lastCause().label());
      observer.electionStarted(elections.lastTerm(), elections.lastCause());
    }
    Role role = engine.role();
    long term = engine.term();
    String leader = engine.leaderId();
    boolean heard = elections.leaderContacts() != reportedContacts;
    reportedContacts = elections.leaderContacts();
    boolean found = leader != null && !leader.equals(reportedLeader);
    boolean stoppedLeading = reportedRole == Role.LEADER && role != Role.LEADER;
    // The clock is read only for an observer, and only in a batch where something it times happened:
    // not on every batch of a busy leader.
    boolean timed = observer != NodeObserver.NONE && (heard || found || stoppedLeading);
    long now = timed ? nanoClock.getAsLong() : 0;
    // A leader hears from itself until it stops leading; no need to note the time every batch.
    if (timed && stoppedLeading) lastLeaderContactNanos = now;
    if (found) {
      // Measured up to the previous contact: this batch's contact may be the new leader's first message.
      leaderFound(term, leader, timed ? now - lastLeaderContactNanos : -1, role, elections);
    }
    if (timed && heard) lastLeaderContactNanos = now;
    if (role == reportedRole && term == reportedTerm && Objects.equals(leader, reportedLeader)) {
      return;
    }
    reportedRole = role;
    reportedTerm = term;
    reportedLeader = leader;
    LOG.info("node {}: {} at term {} (leader {})", engine.id(), role, term, leader == null ? "unknown" : leader);
    observer.roleChanged(role, term, leader);
  }

  private void leaderFound(long term, String leader, long leaderlessNanos, Role role, Elections elections) {
    ElectionCause cause = role == Role.LEADER && elections.lastTerm() == term ? elections.lastCause() : null;
    String previous = lastKnownLeader;
    lastKnownLeader = leader;
    LOG.info("node {}: leader {} for term {}{}{}", engine.id(), leader, term,
        leaderlessNanos < 0 ? "" : " after " + TimeUnit.NANOSECONDS.toMillis(leaderlessNanos) + " ms without one",
        cause == null ? "" : " (elected: " + cause.label() + ")");
    observer.leaderFound(term, leader, previous, leaderlessNanos, cause);
  }
}
