package io.bellwether.bench.load;

/** What each operation is. */
public enum Workload {
  WRITE, READ,
  /** Each operation is a read with probability {@code --read-fraction}, else a write. */
  MIXED,
  /**
   * Bellwether only: {@code --keys} leases are granted before the run (TTL {@value LeaseGranter#TTL_SECONDS} s),
   * and each operation keeps a random one alive ({@code POST /v1/leases/{id}/keepalive}). Counted
   * and timed as reads (placed by {@code --read-from}).
   */
  KEEPALIVE
}
