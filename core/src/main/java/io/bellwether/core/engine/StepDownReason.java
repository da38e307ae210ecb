package io.bellwether.core.engine;

/** Why a leader stopped leading. */
public enum StepDownReason {
  /** It no longer heard from a majority within an election timeout (thesis §6.2). */
  CHECK_QUORUM("check_quorum"),
  /** A configuration that removed it from the voters was committed (thesis §4.2.2). */
  REMOVED("removed"),
  /** A message carried a higher term: another node campaigned (a transfer, or a lost partition). */
  HIGHER_TERM("higher_term");

  private final String label;

  StepDownReason(String label) {
    this.label = label;
  }

  /** The lower-case name used in metrics, events and logs. */
  public String label() {
    return label;
  }
}
