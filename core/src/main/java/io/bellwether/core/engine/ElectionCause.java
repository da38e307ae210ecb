package io.bellwether.core.engine;

/**
 * Why a node started an election: what an operator asks first after a failover. The cause is this
 * node's own reason for campaigning; the other members only see that a new leader appeared.
 */
public enum ElectionCause {
  /** The node had not heard from any leader since it started (a new cluster, or a restart). */
  STARTUP("startup"),
  /** No message from the leader for an election timeout (a crashed host, a partition, a pause). */
  LEADER_SILENT("leader_silent"),
  /**
   * The transport lost its connection to the leader and no message came after it (a crashed leader
   * process: its host closed the sockets).
   */
  LEADER_CONNECTION_LOST("leader_connection_lost"),
  /** The leader handed its leadership to this node (thesis §3.10, TimeoutNow). */
  TRANSFER("transfer"),
  /**
   * This node was the leader, stepped down because it no longer heard from a majority (thesis
   * §6.2), and found no other leader before its election timeout.
   */
  CHECK_QUORUM_STEPDOWN("check_quorum_stepdown");

  private final String label;

  ElectionCause(String label) {
    this.label = label;
  }

  /** The lower-case name used in metrics, events and logs. */
  public String label() {
    return label;
  }
}
