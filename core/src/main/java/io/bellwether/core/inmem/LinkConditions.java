package io.bellwether.core.inmem;

/**
 * How the directed links of an {@link InMemoryNetwork} behave: how long a message takes and whether
 * it arrives. The production default is {@link #PERFECT}; the test kit's fault-injecting network
 * implements it to cut, slow and lossy links.
 *
 * <p>Implementations must be thread-safe: {@link #delayMillis} is called on the sending node's thread
 * and {@link #delivers} on the network's delivery thread. Neither may block or throw.
 */
public interface LinkConditions {

  /** Every message arrives at once. */
  LinkConditions PERFECT = new LinkConditions() {
    @Override
    public long delayMillis(String from, String to) {
      return 0;
    }

    @Override
    public boolean delivers(String from, String to) {
      return true;
    }
  };

  /** Milliseconds (0 or more) before a message sent now from {@code from} to {@code to} is delivered. */
  long delayMillis(String from, String to);

  /** Whether a message from {@code from} to {@code to}, due now, arrives; false loses it silently. */
  boolean delivers(String from, String to);
}
