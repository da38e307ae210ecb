package io.bellwether.client;

import java.util.List;

/**
 * A lease as a node described it.
 *
 * @param ttlSeconds its time to live
 * @param remainingMillis the time left on the leader's clock when it answered; -1 when not told (a list)
 * @param keys the keys attached to it; empty when not told (a list)
 */
public record LeaseInfo(long id, long ttlSeconds, long remainingMillis, List<String> keys) {

  public LeaseInfo {
    keys = List.copyOf(keys);
  }
}
