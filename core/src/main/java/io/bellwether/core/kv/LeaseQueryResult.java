package io.bellwether.core.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer to a {@link KvQuery.LeaseGet} (no lease, or the one asked for with its keys) or a {@link
 * KvQuery.LeaseList} (leases in id order, without keys; {@code more} when the limit cut the list).
 */
public record LeaseQueryResult(List<Lease> leases, boolean more) {

  /** A lease as the replicated state knows it: how long it lives is the leader's to say. */
  public record Lease(long id, long ttlSeconds, List<String> keys) {
    public Lease {
      keys = List.copyOf(keys);
    }
  }

  private static final int TAG = 0x33;

  public LeaseQueryResult {
    leases = List.copyOf(leases);
  }

  public byte[] encode() {
    WireWriter out = WireWriter.message(TAG, 16 + leases.size() * 16).varLong(leases.size());
    for (Lease l : leases) {
      out.varLong(l.id()).varLong(l.ttlSeconds()).varLong(l.keys().size());
      for (String key : l.keys()) out.string(key);
    }
    return out.bool(more).toByteArray();
  }

  /**
   * @throws KvFormatException if {@code bytes} are not a lease query result
   */
  public static LeaseQueryResult decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "lease query result");
    if (in.header() != TAG) throw in.fail("not a lease query result");
    int count = in.length("lease count", Integer.MAX_VALUE);
    List<Lease> leases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long id = in.varLong("lease id", 1, Long.MAX_VALUE);
      long ttl = in.varLong("ttlSeconds", 1, LeaseCommand.MAX_TTL_SECONDS);
      int keyCount = in.length("key count", Integer.MAX_VALUE);
      List<String> keys = new ArrayList<>(keyCount);
      for (int k = 0; k < keyCount; k++) keys.add(in.string("key", KvLimits.MAX_KEY_BYTES));
      leases.add(new Lease(id, ttl, keys));
    }
    LeaseQueryResult r = new LeaseQueryResult(leases, in.bool());
    in.end();
    return r;
  }
}
