package io.bellwether.core.kv;

import io.bellwether.core.kv.KvQueryResult.GetResult;
import io.bellwether.core.kv.KvQueryResult.ScanResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The keys, values and versions, sorted by {@link KeyOrder} so a prefix scan reads only its range,
 * and the leases keys are attached to. Applies puts, deletes and the end of leases with their
 * compare-and-set and lease checks, and reports every key it changes to the {@code changes} list it is
 * given; knows nothing of idempotency or clocks.
 */
final class KvStore {

  /**
   * A scan stops adding entries once its answer would pass this size (but always returns at least
   * one), so limit x value size cannot build an answer too large for one array or the heap.
   */
  static final long SCAN_MAX_RESULT_BYTES = 8L << 20;

  /** {@link #encode} hands its output on in pieces of about this size, so it never holds the state. */
  static final int ENCODE_FLUSH_BYTES = 64 << 10;

  private final KvStorage entries;
  private LeaseTable leases = new LeaseTable();

  KvStore(KvStorage entries) {
    this.entries = entries;
  }

  KvResult put(long index, KvCommand.Put put, List<KvChange> changes) {
    Versioned current = entries.get(put.key());
    long currentVersion = current == null ? 0 : current.version();
    if (!matches(put.expectedVersion(), currentVersion)) {
      return KvResult.mismatch(put.key(), currentVersion);
    }
    if (put.lease() != 0 && !leases.contains(put.lease())) return KvResult.leaseNotFound(put.key());
    if (current != null && current.lease() != 0) leases.detach(current.lease(), put.key());
    if (put.lease() != 0) leases.attach(put.lease(), put.key());
    entries.put(put.key(), new Versioned(put.value(), index, put.lease()), current == null);
    changes.add(KvChange.put(put.key(), put.value(), index, put.lease()));
    return KvResult.written(put.key(), index);
  }

  KvResult delete(long index, KvCommand.Delete delete, List<KvChange> changes) {
    Versioned current = entries.get(delete.key());
    long currentVersion = current == null ? 0 : current.version();
    if (!matches(delete.expectedVersion(), currentVersion)) {
      return KvResult.mismatch(delete.key(), currentVersion);
    }
    if (current == null) return KvResult.nothingRemoved(delete.key());
    entries.remove(delete.key());
    if (current.lease() != 0) leases.detach(current.lease(), delete.key());
    changes.add(KvChange.delete(delete.key(), current.version(), current.lease(), KvChange.Cause.WRITE));
    return KvResult.removed(delete.key(), index);
  }

  /** Grants lease {@code id} (the granting entry's index). */
  void grantLease(long id, long ttlSeconds) {
    leases.grant(id, ttlSeconds);
  }

  /**
   * Ends lease {@code id}: deletes every key attached to it, in key order, reporting each.
   *
   * @return how many keys were deleted, or -1 if there is no such lease
   */
  int endLease(long id, KvChange.Cause cause, List<KvChange> changes) {
    LeaseTable.Lease lease = leases.remove(id);
    if (lease == null) return -1;
    for (String key : lease.keys()) {
      Versioned v = entries.get(key);
      entries.remove(key);
      changes.add(KvChange.delete(key, v.version(), id, cause));
    }
    return lease.keys().size();
  }

  LeaseTable leases() {
    return leases;
  }

  GetResult get(String key) {
    Versioned v = entries.get(key);
    return v == null ? GetResult.notFound() : new GetResult(true, v.value(), v.version(), v.lease());
  }

  /**
   * Reads from the first key at or after the prefix (and after {@code after}, when given) while keys
   * still start with it.
   */
  ScanResult scan(KvQuery.Scan scan) {
    List<KvEntry> page = new ArrayList<>();
    long resultBytes = 0;
    boolean fromAfter = scan.after() != null && KeyOrder.INSTANCE.compare(scan.after(), scan.prefix()) >= 0;
    Iterator<Map.Entry<String, Versioned>> range =
        fromAfter ? entries.entriesFrom(scan.after(), false) : entries.entriesFrom(scan.prefix(), true);
    while (range.hasNext()) {
      Map.Entry<String, Versioned> e = range.next();
      if (!e.getKey().startsWith(scan.prefix())) break;
      long entryBytes = e.getKey().length() * 3L + e.getValue().value().length + 16;
      boolean full =
          page.size() == scan.limit()
              || (!page.isEmpty() && resultBytes + entryBytes > SCAN_MAX_RESULT_BYTES);
      if (full) return new ScanResult(page, true);
      page.add(new KvEntry(e.getKey(), e.getValue().version(), e.getValue().value(), e.getValue().lease()));
      resultBytes += entryBytes;
    }
    return new ScanResult(page, false);
  }

  long size() {
    return entries.size();
  }

  KvStorage storage() {
    return entries;
  }

  /** Sets the lease table (restored from a durable storage's manifest, keys included). */
  void replaceLeases(LeaseTable restored) {
    leases = restored;
  }

  /**
   * Writes the leases, then every entry in key order with its lease: equal stores encode to equal
   * bytes. Hands {@code out} to {@code flush} whenever it grew past {@link #ENCODE_FLUSH_BYTES}, so a
   * state larger than the heap can be encoded into a digest or a stream.
   */
  void encode(WireWriter out, Consumer<WireWriter> flush) {
    leases.encode(out);
    out.varLong(entries.size());
    Iterator<Map.Entry<String, Versioned>> it = entries.entriesFrom(null, true);
    while (it.hasNext()) {
      Map.Entry<String, Versioned> e = it.next();
      out.string(e.getKey()).varLong(e.getValue().version()).bytes(e.getValue().value())
          .varLong(e.getValue().lease());
      if (out.size() >= ENCODE_FLUSH_BYTES) flush.accept(out);
    }
  }

  /**
   * Reads what {@link #encode} wrote ({@code withLeases}), or the layout from before leases existed,
   * rejecting keys out of order or repeated and keys attached to a lease that does not exist.
   */
  static KvStore decode(WireReader in, boolean withLeases) {
    KvStore store = new KvStore(KvStorage.inMemory());
    if (withLeases) store.leases = LeaseTable.decode(in);
    // An entry takes at least 3 bytes, so a count beyond the bytes left is rejected at once.
    int count = in.length("entry count", Integer.MAX_VALUE);
    String previous = null;
    for (int i = 0; i < count; i++) {
      String key = in.string("key", KvLimits.MAX_KEY_BYTES);
      if (key.isEmpty()) throw in.fail("empty key");
      if (previous != null && KeyOrder.INSTANCE.compare(previous, key) >= 0) {
        throw in.fail("key out of order: " + key);
      }
      long version = in.varLong("version", 1, Long.MAX_VALUE);
      byte[] value = in.bytes("value", Integer.MAX_VALUE);
      long lease = withLeases ? in.varLong("lease", 0, Long.MAX_VALUE) : 0;
      if (lease != 0) {
        if (!store.leases.contains(lease)) throw in.fail("key " + key + " attached to unknown lease " + lease);
        store.leases.attach(lease, key);
      }
      store.entries.put(key, new Versioned(value, version, lease), true);
      previous = key;
    }
    return store;
  }

  /** {@link KvCommand#ANY} matches anything; otherwise versions must be equal (0 = absent). */
  private static boolean matches(long expectedVersion, long currentVersion) {
    return expectedVersion == KvCommand.ANY || expectedVersion == currentVersion;
  }
}
