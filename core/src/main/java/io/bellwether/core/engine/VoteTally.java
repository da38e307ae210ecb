package io.bellwether.core.engine;

import java.util.HashMap;
import java.util.Map;

/** The votes of one (pre-)election: each voter counted once, first answer wins. */
final class VoteTally {

  private final Map<String, Boolean> votes = new HashMap<>();
  private final int majority;

  VoteTally(int voters) {
    this.majority = Quorum.majority(voters);
  }

  void record(String voter, boolean granted) {
    votes.putIfAbsent(voter, granted);
  }

  boolean hasAnswered(String voter) {
    return votes.containsKey(voter);
  }

  boolean won() {
    return votes.values().stream().filter(v -> v).count() >= majority;
  }

  boolean lost() {
    return votes.values().stream().filter(v -> !v).count() >= majority;
  }
}
