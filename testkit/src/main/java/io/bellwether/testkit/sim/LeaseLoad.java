package io.bellwether.testkit.sim;

/**
 * Whether a simulation run exercises leases ({@code io.bellwether.core.kv.LeaseKeeper}): lease clients
 * that grant leases, attach keys, keep some alive and let the others lapse, and a leader that expires
 * them by its own clock (see {@link SimLeaseClients}); and, to prove the lease check can fail, a bug
 * planted on the simulation's side of the keeper.
 *
 * @param clients how many lease clients run (0: leases off)
 * @param bug a deliberate mistake in how the simulated node drives its keeper, or {@link LeaseBug#NONE}
 */
public record LeaseLoad(int clients, LeaseBug bug) {

  /** No lease traffic: the run is what it was before leases existed. */
  public static final LeaseLoad OFF = new LeaseLoad(0, LeaseBug.NONE);

  /** Mistakes a runtime could make driving its {@code LeaseKeeper}; planted only by tests. */
  public enum LeaseBug {
    NONE,
    /** The keeper's clock runs twice as fast as the node's: leases expire after half their TTL. */
    EXPIRES_AT_HALF_TTL,
    /**
     * The keeper is always told term 1 and never told its node follows, so it gives leases a fresh
     * TTL only the first time its node leads (in a life): a node that leads again expires by deadlines
     * from before its successor's keepalives.
     */
    NO_RESET_ON_NEW_TERM
  }

  public LeaseLoad {
    if (clients < 0) throw new IllegalArgumentException("clients must be >= 0: " + clients);
    if (bug == null) throw new IllegalArgumentException("bug: use LeaseBug.NONE");
  }

  /** {@code clients} lease clients, no bug. */
  public static LeaseLoad of(int clients) {
    return new LeaseLoad(clients, LeaseBug.NONE);
  }

  public LeaseLoad withBug(LeaseBug planted) {
    return new LeaseLoad(clients, planted);
  }

  public boolean on() {
    return clients > 0;
  }
}
