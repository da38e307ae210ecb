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
  KEEPALIVE,
  /**
   * Writes keys {@code --fill-from} to {@code --fill-to} (default: all {@code --keys}) once each:
   * every operation writes the next key no connection has taken yet (one counter shared by the
   * connections), a failed write is retried on the same key, and the run ends when every key is
   * written (or at {@code --duration}, which is then a limit). No warm-up.
   */
  FILL
}
