package io.bellwether.bench.load;

/**
 * How one request ended.
 *
 * @param success       the operation was done (a read that found no value is a success with {@code notFound})
 * @param notFound      a successful read of an absent key
 * @param errorKind     for a failure: "STATUS CODE" (e.g. "503 NO_LEADER"), "timeout", "connection refused", ...
 * @param leaderChanged the answer suggests the leader is elsewhere (not leader, no leader, node unreachable)
 * @param index         for a successful Bellwether write: the log index its answer named ({@code "index"}),
 *                      which is how a watcher's event is matched to the write; 0 when unknown
 */
record Outcome(boolean success, boolean notFound, String errorKind, boolean leaderChanged, long index) {

  static final Outcome OK = new Outcome(true, false, null, false, 0);
  static final Outcome NOT_FOUND = new Outcome(true, true, null, false, 0);

  static Outcome error(String kind, boolean leaderChanged) {
    return new Outcome(false, false, kind, leaderChanged, 0);
  }

  /** A successful write acknowledged at log {@code index} (0: the answer did not say). */
  static Outcome written(long index) {
    return index > 0 ? new Outcome(true, false, null, false, index) : OK;
  }
}
