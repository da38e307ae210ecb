package io.bellwether.bench.load;

/** What each operation is. */
public enum Workload {
  WRITE, READ,
  /** Each operation is a read with probability {@code --read-fraction}, else a write. */
  MIXED
}
