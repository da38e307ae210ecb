package io.bellwether.client;

import java.net.URI;

/**
 * 412 {@code VERSION_MISMATCH}: a conditional put or delete ({@link PutOptions#ifVersion}, {@link
 * PutOptions#ifAbsent}, {@link DeleteOptions#ifVersion}) whose condition did not hold; nothing
 * changed. {@link BellwetherClient#compareAndSet} reports a mismatch as a result instead.
 */
public final class ConditionFailedException extends NotAppliedException {

  private final long currentVersion;

  ConditionFailedException(String message, String serverMessage, URI endpoint, long currentVersion) {
    super(message, 412, "VERSION_MISMATCH", serverMessage, endpoint, null);
    this.currentVersion = currentVersion;
  }

  /** The key's version when the condition was checked; 0 when the key was absent. */
  public long currentVersion() {
    return currentVersion;
  }
}
