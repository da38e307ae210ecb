package io.bellwether.core.engine;

/** A node's role (Raft §5.1), plus the pre-candidate step of the pre-vote round (thesis §9.6). */
public enum Role {
  FOLLOWER,
  /** Asking peers whether they would vote, without raising the term yet. */
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
