package io.bellwether.core.kv;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated part of leases: which leases exist, their time to live, and the keys attached to
 * each. When a lease ends is not here: that is the leader's to decide (see {@link LeaseKeeper}) and it
 * reaches every replica as a log entry, so applying stays free of clocks.
 *
 * <p>A lease's id is the log index of the entry that granted it: unique, never reused, and the same
 * on every replica. Not thread-safe: the node thread owns it, like the rest of the state.
 */
final class LeaseTable {

  /** One lease: its id, its time to live and its keys in key order. */
  record Lease(long id, long ttlSeconds, NavigableSet<String> keys) {}

  private final TreeMap<Long, Lease> leases = new TreeMap<>();

  void grant(long id, long ttlSeconds) {
    leases.put(id, new Lease(id, ttlSeconds, new TreeSet<>(KeyOrder.INSTANCE)));
  }

  Lease get(long id) {
    return leases.get(id);
  }

  boolean contains(long id) {
    return leases.containsKey(id);
  }

  Lease remove(long id) {
    return leases.remove(id);
  }

  void attach(long id, String key) {
    leases.get(id).keys().add(key);
  }

  void detach(long id, String key) {
    Lease lease = leases.get(id);
    if (lease != null) lease.keys().remove(key);
  }

  int size() {
    return leases.size();
  }

  /** Every lease's time to live, by id: a copy. */
  Map<Long, Long> ttls() {
    Map<Long, Long> ttls = new TreeMap<>();
    leases.values().forEach(l -> ttls.put(l.id(), l.ttlSeconds()));
    return Collections.unmodifiableMap(ttls);
  }

  Iterable<Lease> all() {
    return leases.values();
  }

  /** Writes the leases in id order (their keys are written with the keys they belong to). */
  void encode(WireWriter out) {
    out.varLong(leases.size());
    for (Lease l : leases.values()) out.varLong(l.id()).varLong(l.ttlSeconds());
  }

  /**
   * Writes the leases in id order with their keys: for a state whose keys live on disk, where reading
   * every key back to learn its lease would cost a pass over the whole data.
   */
  void encodeWithKeys(WireWriter out) {
    out.varLong(leases.size());
    for (Lease l : leases.values()) {
      out.varLong(l.id()).varLong(l.ttlSeconds()).varLong(l.keys().size());
      for (String key : l.keys()) out.string(key);
    }
  }

  /** Reads what {@link #encodeWithKeys} wrote. */
  static LeaseTable decodeWithKeys(WireReader in) {
    LeaseTable table = new LeaseTable();
    int count = in.length("lease count", Integer.MAX_VALUE);
    long previous = 0;
    for (int i = 0; i < count; i++) {
      long id = in.varLong("lease id", previous + 1, Long.MAX_VALUE);
      table.grant(id, in.varLong("lease ttlSeconds", 1, LeaseCommand.MAX_TTL_SECONDS));
      int keys = in.length("lease key count", Integer.MAX_VALUE);
      for (int k = 0; k < keys; k++) table.attach(id, in.string("lease key", KvLimits.MAX_KEY_BYTES));
      previous = id;
    }
    return table;
  }

  static LeaseTable decode(WireReader in) {
    LeaseTable table = new LeaseTable();
    int count = in.length("lease count", Integer.MAX_VALUE);
    long previous = 0;
    for (int i = 0; i < count; i++) {
      long id = in.varLong("lease id", previous + 1, Long.MAX_VALUE);
      table.grant(id, in.varLong("lease ttlSeconds", 1, LeaseCommand.MAX_TTL_SECONDS));
      previous = id;
    }
    return table;
  }
}
