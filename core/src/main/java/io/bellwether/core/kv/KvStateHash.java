package io.bellwether.core.kv;

import java.util.HexFormat;

/**
 * One node's state hash ({@link KvStateMachine#stateHash()}) at the index it had applied, and which
 * node it is: two answers with the same {@code appliedIndex} must have the same {@code hash}.
 */
public record KvStateHash(long hash, long appliedIndex, String servedBy) {

  /** The hash as 16 lower-case hex digits, as the HTTP API shows it. */
  public String hex() {
    return HexFormat.of().toHexDigits(hash);
  }
}
