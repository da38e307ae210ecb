package io.bellwether.core.runtime;

import io.bellwether.core.engine.LeaseTiming;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, in the log, when a leader's lease cannot count on a follower because their
 * tick lengths or election timeouts differ. The engine already handles the mismatch safely; this
 * only says so, once per change rather than per heartbeat. Node thread only.
 */
final class LeaseTimingReports {

  private static final Logger LOG = LoggerFactory.getLogger(NodeDriver.class);

  private final RaftEngine engine;

  /** The timing each leader last announced, as already reported: one log line per distinct value. */
  private final Map<String, LeaseTiming> reportedLeaderTiming = new HashMap<>();

  /** As leader of {@link #reportedShortOfLeaseTerm}: followers already reported as not backing the lease. */
  private final Set<String> reportedShortOfLease = new HashSet<>();

  private long reportedShortOfLeaseTerm = -1;

  LeaseTimingReports(RaftEngine engine) {
    this.engine = engine;
  }

  /**
   * Tick length and election timeout are per-node settings, and a leader's lease is only as good as
   * its followers' promise to refuse votes, measured in their own settings ({@link LeaseTiming}).
   * The engine handles a mismatch safely (such acknowledgements do not extend the lease, so lease
   * reads fall back to ReadIndex); this tells the operator, naming both sides, once per leader and
   * distinct timing on a follower, and once per follower and leadership on a leader.
   */
  void report() {
    LeaseTiming leaderTiming = engine.leaderTiming();
    if (leaderTiming != null) {
      String leader = engine.leaderId();
      LeaseTiming before = reportedLeaderTiming.get(leader);
      if (!leaderTiming.equals(before)) { // asked after every batch: nothing to do in the usual case
        reportedLeaderTiming.put(leader, leaderTiming);
        LeaseTiming own = engine.config().leaseTiming();
        if (!leaderTiming.equals(own)) {
          warnTimingMismatch(leader, leaderTiming, own);
        } else if (before != null) {
          LOG.info("node {}: leader {} now runs with the same timing as this node ({})",
              engine.id(), leader, own);
        }
      }
    }
    if (engine.role() != Role.LEADER || engine.term() != reportedShortOfLeaseTerm) {
      reportedShortOfLease.clear(); // a new leadership reports afresh
      reportedShortOfLeaseTerm = engine.role() == Role.LEADER ? engine.term() : -1;
    }
    for (String follower : engine.followersShortOfLease()) {
      if (!reportedShortOfLease.add(follower)) continue;
      LeaseTiming own = engine.config().leaseTiming();
      LOG.warn("node {} (leader, term {}): follower {} says it refuses votes for less than the {}us "
              + "after a heartbeat that this leader's lease assumes (this node runs with {}), or not "
              + "at all (check-quorum off). Its acknowledgements do not extend the lease, so lease "
              + "reads fall back to ReadIndex unless a majority without it backs the lease; the "
              + "follower's log names its own timing.",
          engine.id(), engine.term(), follower, own.promiseMicros(), own);
    }
  }

  private void warnTimingMismatch(String leader, LeaseTiming leaderTiming, LeaseTiming own) {
    if (engine.promiseCoversLease(leaderTiming)) {
      LOG.warn("node {}: leader {} runs with {}, this node with {}. Lease reads stay safe (this node "
              + "refuses votes for at least {}us after a heartbeat, no less than the {}us the "
              + "leader's lease assumes), but nodes time out differently; give every node the same "
              + "tick length and election timeout.",
          engine.id(), leader, leaderTiming, own, own.promiseMicros(), leaderTiming.promiseMicros());
    } else {
      LOG.warn("node {}: leader {} runs with {}, this node with {}. This node refuses votes for "
              + "only {}us after a heartbeat, less than the {}us the leader's lease assumes, so its "
              + "acknowledgements do not count toward the leader's lease and lease reads fall back "
              + "to ReadIndex. Give every node the same tick length and election timeout.",
          engine.id(), leader, leaderTiming, own, own.promiseMicros(), leaderTiming.promiseMicros());
    }
  }
}
