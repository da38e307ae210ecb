package io.bellwether.testkit.sim;

import io.bellwether.core.kv.LeaseCommand;
import io.bellwether.core.kv.LeaseResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The lease promise ({@code LeaseKeeper}), checked the moment an expiry is applied: a lease never
 * expires sooner than its TTL after the last moment it was renewed, measured in the simulation's
 * global ticks, across any number of leader changes.
 *
 * <p><b>Renewed</b> means: its grant was proposed (the lease cannot have existed earlier), or a keepalive
 * that the simulation saw succeed ({@code RENEWED}) reached the leader. The moment a keepalive reaches
 * the leader is what the keeper's guarantee is about: its linearizable read then confirms leadership
 * with a heartbeat round sent after that moment, so any later leader is elected after it and starts
 * its own full TTL later still. <b>Expired</b> means: an {@code Expire} entry applied with status OK;
 * the moment is when the leader proposed it (its timestamp is the simulated time it was proposed at,
 * {@code ticks x 10}, so every replica reads the same moment from the entry).
 *
 * <p><b>Clock drift.</b> A leader measures the TTL in its own ticks. In runs within the drift bound a
 * clock runs at most {@code 1 + maxDrift} times as fast as simulated time, so the TTL may pass in
 * {@code ttlTicks / (1 + maxDrift)} global ticks; unbounded runs only ever slow clocks (a node ticks at
 * most once a global tick), so there the bound is the TTL itself. Two ticks of slack cover the
 * granularity: a bounded clock counts within one tick of {@code rate x interval}, and a deadline set in
 * the middle of a tick is reached in a whole one.
 */
final class LeaseExpiryCheck {

  private record Lease(long ttlTicks, long grantedAtTick) {}

  private final double maxRate;
  private final Map<Long, Lease> granted = new HashMap<>();
  private final Map<Long, Long> renewedAtTick = new HashMap<>();
  private final Set<Long> checkedIndexes = new HashSet<>();
  private int expiries;
  private int revokes;
  private int renewals;
  private long closestMarginTicks = Long.MAX_VALUE;

  LeaseExpiryCheck(Clocks clocks) {
    this.maxRate = clocks.bounded() ? 1 + clocks.maxDrift() : 1.0;
  }

  /** The fewest global ticks in which a leader's clock may count {@code ttlTicks} of its own. */
  long minGlobalTicks(long ttlTicks) {
    return (long) Math.floor((ttlTicks - 2) / maxRate);
  }

  /** A keepalive that reached a leader at {@code arrivalTick} was answered RENEWED. */
  void renewed(long leaseId, long arrivalTick) {
    renewals++;
    renewedAtTick.merge(leaseId, arrivalTick, Math::max);
  }

  /** A node applied {@code command} at {@code index}, answering {@code result}. */
  void applied(long index, byte[] command, byte[] result) {
    if (!LeaseCommand.isLeaseCommand(command) || !checkedIndexes.add(index)) return;
    LeaseCommand c = LeaseCommand.decode(command);
    LeaseResult r = LeaseResult.decode(result);
    long proposedAtTick = c.timestampMillis() / 10;
    if (c instanceof LeaseCommand.Grant g && r.ok()) {
      granted.put(r.leaseId(), new Lease(g.ttlSeconds() * SimLeaseClients.TICKS_PER_SECOND, proposedAtTick));
    } else if (c instanceof LeaseCommand.Revoke && r.ok()) {
      revokes++;
    } else if (c instanceof LeaseCommand.Expire e && r.ok()) {
      expiries++;
      Lease lease = granted.get(e.leaseId());
      if (lease == null) throw new SimFailure("lease " + e.leaseId() + " expired at index " + index
          + " but the simulation never saw it granted");
      long renewed = Math.max(lease.grantedAtTick(), renewedAtTick.getOrDefault(e.leaseId(), Long.MIN_VALUE));
      long lived = proposedAtTick - renewed;
      long min = minGlobalTicks(lease.ttlTicks());
      closestMarginTicks = Math.min(closestMarginTicks, lived - min);
      if (lived < min) {
        throw new SimFailure("Lease promise broken: lease " + e.leaseId() + " (TTL " + lease.ttlTicks()
            + " ticks) was expired by an entry proposed at t=" + proposedAtTick + " (index " + index + "), "
            + lived + " ticks after it was last renewed at t=" + renewed + "; it must live at least " + min
            + " (its TTL at the fastest clock rate, " + maxRate + ")");
      }
    }
  }

  /** What the run did with leases, for its summary and for tests that must see it exercised. */
  String summary() {
    return "leases: granted=" + granted.size() + " renewed=" + renewals + " expired=" + expiries
        + " revoked=" + revokes + " closestMarginTicks=" + (expiries == 0 ? "-" : closestMarginTicks);
  }

  int expiries() {
    return expiries;
  }

  int renewals() {
    return renewals;
  }

  int grants() {
    return granted.size();
  }
}
