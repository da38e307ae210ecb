package io.bellwether.core.runtime;

import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator and the {@link NodeObserver} when this node's role, term or known leader
 * changed: one log line per change, so that whoever reads the logs of a failover sees who led when.
 * Asked after every batch; it compares with what it reported last, so the usual case costs three
 * comparisons. Node thread only.
 */
final class RoleChangeReports {

  // The driver's logger, as before this class existed: operators filter on it.
  private static final Logger LOG = LoggerFactory.getLogger(NodeDriver.class);

  private final RaftEngine engine;
  private NodeObserver observer = NodeObserver.NONE;
  private Role reportedRole;
  private long reportedTerm = -1;
  private String reportedLeader;

  RoleChangeReports(RaftEngine engine) {
    this.engine = engine;
  }

  void observe(NodeObserver observer) {
    this.observer = observer;
  }

  /** Reports the engine's role, term and leader if any of them changed since the last report. */
  void report() {
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
