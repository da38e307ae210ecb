package io.bellwether.bench.load;

/** Which endpoint a worker sends a request to. */
public enum Placement {
  /** The current leader, re-resolved when a node says it is not the leader or stops answering. */
  LEADER,
  /** Round-robin by worker: worker {@code i} uses endpoint {@code i mod n}. */
  ALL,
  /** Every endpoint except the current leader, round-robin by worker. */
  FOLLOWERS,
  /** The first endpoint given. */
  FIRST,
  /** Failover only: every endpoint except the leader that is about to be killed, round-robin by worker. */
  SURVIVORS
}
