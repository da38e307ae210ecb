package io.bellwether.bench.load;

/** Read consistency, as Bellwether names it; etcd has linearizable (its default range) and serializable (stale). */
public enum Consistency {
  LINEARIZABLE, LEASE, STALE;

  /** The value of Bellwether's {@code consistency} query parameter. */
  String queryValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
