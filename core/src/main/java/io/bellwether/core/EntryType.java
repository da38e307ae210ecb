package io.bellwether.core;

/** What a log entry holds. The codec writes {@link #code()}, so codes never change meaning. */
public enum EntryType {
  /** A command for the state machine. */
  COMMAND(1),
  /** The empty entry a leader appends when its term starts; applied to nothing. */
  NOOP(2),
  /**
   * A new cluster configuration (thesis §4.1): its data is a {@code MembershipCodec} encoding. It
   * takes effect on every node as soon as the node appends it, and is applied to no state machine.
   */
  CONFIG(3);

  private final int code;

  EntryType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type for a code read from the wire or disk; {@code null} when the code is unknown. */
  public static EntryType fromCode(int code) {
    for (EntryType t : values()) {
      if (t.code == code) return t;
    }
    return null;
  }
}
