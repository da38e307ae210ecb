package io.bellwether.core.kv;

import io.bellwether.core.kv.KvQueryResult.GetResult;
import io.bellwether.core.kv.KvQueryResult.ScanResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys, values and versions, sorted by {@link KeyOrder} so a prefix scan reads only its range.
 * Applies puts and deletes with their compare-and-set check; knows nothing of idempotency or clocks.
 */
final class KvStore {

  /**
   * A scan stops adding entries once its answer would pass this size (but always returns at least
   * one), so limit x value size cannot build an answer too large for one array or the heap.
   */
  static final long SCAN_MAX_RESULT_BYTES = 8L << 20;

  private final TreeMap<String, Versioned> entries = new TreeMap<>(KeyOrder.INSTANCE);

  KvResult put(long index, KvCommand.Put put) {
    Versioned current = entries.get(put.key());
    long currentVersion = current == null ? 0 : current.version();
    if (!matches(put.expectedVersion(), currentVersion)) {
      return KvResult.mismatch(put.key(), currentVersion);
    }
    entries.put(put.key(), new Versioned(put.value(), index));
    return KvResult.written(put.key(), index);
  }

  KvResult delete(long index, KvCommand.Delete delete) {
    Versioned current = entries.get(delete.key());
    long currentVersion = current == null ? 0 : current.version();
    if (!matches(delete.expectedVersion(), currentVersion)) {
      return KvResult.mismatch(delete.key(), currentVersion);
    }
    if (current == null) return KvResult.nothingRemoved(delete.key());
    entries.remove(delete.key());
    return KvResult.removed(delete.key(), index);
  }

  GetResult get(String key) {
    Versioned v = entries.get(key);
    return v == null ? GetResult.notFound() : new GetResult(true, v.value(), v.version());
  }

  /** Reads from the first key at or after the prefix while keys still start with it. */
  ScanResult scan(KvQuery.Scan scan) {
    List<KvEntry> page = new ArrayList<>();
    long resultBytes = 0;
    for (Map.Entry<String, Versioned> e : entries.tailMap(scan.prefix(), true).entrySet()) {
      if (!e.getKey().startsWith(scan.prefix())) break;
      long entryBytes = e.getKey().length() * 3L + e.getValue().value().length + 16;
      boolean full =
          page.size() == scan.limit()
              || (!page.isEmpty() && resultBytes + entryBytes > SCAN_MAX_RESULT_BYTES);
      if (full) return new ScanResult(page, true);
      page.add(new KvEntry(e.getKey(), e.getValue().version(), e.getValue().value()));
      resultBytes += entryBytes;
    }
    return new ScanResult(page, false);
  }

  int size() {
    return entries.size();
  }

  /** Writes every entry in key order: equal stores encode to equal bytes. */
  void encode(WireWriter out) {
    out.varLong(entries.size());
    for (Map.Entry<String, Versioned> e : entries.entrySet()) {
      out.string(e.getKey()).varLong(e.getValue().version()).bytes(e.getValue().value());
    }
  }

  /** Reads what {@link #encode} wrote, rejecting keys out of order or repeated. */
  static KvStore decode(WireReader in) {
    KvStore store = new KvStore();
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
      store.entries.put(key, new Versioned(in.bytes("value", Integer.MAX_VALUE), version));
      previous = key;
    }
    return store;
  }

  /** {@link KvCommand#ANY} matches anything; otherwise versions must be equal (0 = absent). */
  private static boolean matches(long expectedVersion, long currentVersion) {
    return expectedVersion == KvCommand.ANY || expectedVersion == currentVersion;
  }
}
