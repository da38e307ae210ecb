package io.bellwether.core.runtime;

import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import io.bellwether.core.Membership;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator and the {@link NodeObserver} when this node's role, term or known leader
 * changed, or the cluster configuration it uses: one log line per change, so that whoever reads the
 * logs of a failover or a membership change sees who led when, and who was a member. Asked after
 * every batch; it compares with what it reported last, so the usual case costs four comparisons.
 * Node thread only.
 */
final class RoleChangeReports {

  // The driver's logger, as before this class existed: operators filter on it.
  private static final Logger LOG = LoggerFactory.getLogger(NodeDriver.class);

  private final RaftEngine engine;
  private NodeObserver observer = NodeObserver.NONE;
  private Role reportedRole;
  private long reportedTerm = -1;
  private String reportedLeader;
  private Membership reportedMembership;

  RoleChangeReports(RaftEngine engine) {
    this.engine = engine;
  }

  void observe(NodeObserver observer) {
    this.observer = observer;
  }

  /**
   * Reports the engine's configuration, role, term and leader, each if it changed since the last
   * report.
   */
  void report() {
    Membership membership = engine.membership();
    if (membership != reportedMembership) { // a new configuration is always a new object
      reportedMembership = membership;
      LOG.info("node {}: configuration {} voters={} learners={}", engine.id(), membership.index(),
          membership.voters(), membership.learners());
      observer.membershipChanged(membership);
    }
    Role role = engine.role();
    long term = engine.term();
    String leader = engine.leaderId();
    if (role == reportedRole && term == reportedTerm && Objects.equals(leader, reportedLeader)) {
      return;
    }
    reportedRole = role;
    reportedTerm = term;
    reportedLeader = leader;
    LOG.info("node {}: {} at term {} (leader {})", engine.id(), role, term, leader == null ? "unknown" : leader);
    observer.roleChanged(role, term, leader);
  }
}
