package io.bellwether.bench.load;

/**
 * How one request ended.
 *
 * @param success       the operation was done (a read that found no value is a success with {@code notFound})
 * @param notFound      a successful read of an absent key
 * @param errorKind     for a failure: "STATUS CODE" (e.g. "503 NO_LEADER"), "timeout", "connection refused", ...
 * @param leaderChanged the answer suggests the leader is elsewhere (not leader, no leader, node unreachable)
 */
record Outcome(boolean success, boolean notFound, String errorKind, boolean leaderChanged) {

  static final Outcome OK = new Outcome(true, false, null, false);
  static final Outcome NOT_FOUND = new Outcome(true, true, null, false);

  static Outcome error(String kind, boolean leaderChanged) {
    return new Outcome(false, false, kind, leaderChanged);
  }
}
