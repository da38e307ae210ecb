package io.bellwether.client;

/** How fresh a read must be: the API's {@code consistency} query parameter. */
public enum Consistency {
  /** Reflects every write acknowledged before the read began (a round trip to a majority). The default. */
  LINEARIZABLE("linearizable"),
  /** Served by a leader whose lease holds, without a round trip; as {@link #LINEARIZABLE} otherwise. */
  LEASE("lease"),
  /** What the serving node has applied: may miss recent writes; any node answers. */
  STALE("stale");

  private final String wire;

  Consistency(String wire) {
    this.wire = wire;
  }

  /** The value of the {@code consistency} query parameter. */
  public String wireName() {
    return wire;
  }

  /**
   * The consistency named {@code name} ({@code linearizable}, {@code lease} or {@code stale}, any case).
   *
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static Consistency parse(String name) {
    for (Consistency c : values()) {
      if (c.wire.equalsIgnoreCase(name)) return c;
    }
    throw new IllegalArgumentException("unknown consistency '" + name + "': use linearizable, lease or stale");
  }
}
