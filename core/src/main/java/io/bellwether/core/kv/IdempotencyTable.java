package io.bellwether.core.kv;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The idempotent receiver's memory: recent idempotency keys with the encoded result of their command,
 * so a retried write is answered with its original result instead of being applied again.
 *
 * <p>Expiry is deterministic: times come from the log clock (the largest leader timestamp applied so
 * far), never from this node's clock, and records are dropped in insertion order. Because the log
 * clock never goes back, insertion order is also time order, so expiry only looks at the eldest.
 */
final class IdempotencyTable {

  /** A remembered result, with the log clock when it was recorded. */
  private record Entry(long recordedAtMillis, byte[] result) {}

  private final long retentionMillis;
  private final int maxRecords;
  // Insertion-ordered: the eldest record is always first.
  private final LinkedHashMap<String, Entry> records = new LinkedHashMap<>();

  IdempotencyTable(long retentionMillis, int maxRecords) {
    if (retentionMillis < 0) throw new IllegalArgumentException("retentionMillis < 0: " + retentionMillis);
    if (maxRecords < 1) throw new IllegalArgumentException("maxRecords < 1: " + maxRecords);
    this.retentionMillis = retentionMillis;
    this.maxRecords = maxRecords;
  }

  /** The original encoded result for {@code idempotencyKey}, or null if none is remembered. */
  byte[] lookup(String idempotencyKey) {
    Entry e = records.get(idempotencyKey);
    return e == null ? null : e.result();
  }

  /**
   * Remembers {@code result} for a key not yet remembered, then evicts the eldest records while the
   * table is over its cap (a loop: a restored snapshot may come from a node with a larger cap).
   */
  void remember(String idempotencyKey, long logClockMillis, byte[] result) {
    records.put(idempotencyKey, new Entry(logClockMillis, result));
    while (records.size() > maxRecords) {
      Iterator<String> eldest = records.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Drops the records older than the retention window: recorded before {@code now - retention}. */
  void expire(long logClockMillis) {
    Iterator<Entry> it = records.values().iterator();
    while (it.hasNext()) {
      if (logClockMillis - it.next().recordedAtMillis() <= retentionMillis) return;
      it.remove();
    }
  }

  int size() {
    return records.size();
  }

  /** Writes the records eldest first, so decoding rebuilds the same order. */
  void encode(WireWriter out) {
    out.varLong(records.size());
    for (Map.Entry<String, Entry> e : records.entrySet()) {
      out.string(e.getKey()).varLong(e.getValue().recordedAtMillis()).bytes(e.getValue().result());
    }
  }

  /**
   * Reads what {@link #encode} wrote into an empty table, rejecting repeated keys, times out of
   * order or after {@code logClockMillis}, and results that do not decode.
   */
  void decode(WireReader in, long logClockMillis) {
    int count = in.length("record count", Integer.MAX_VALUE);
    long previousMillis = 0;
    for (int i = 0; i < count; i++) {
      String key = in.string("idempotency key", KvLimits.MAX_IDEMPOTENCY_KEY_BYTES);
      long at = in.varLong("recordedAtMillis", previousMillis, logClockMillis);
      byte[] result = in.bytes("result", Integer.MAX_VALUE);
      // A remembered result is a key's or a lease's: both must decode, or the snapshot is bad.
      if (LeaseResult.isLeaseResult(result)) LeaseResult.decode(result);
      else KvResult.decode(result);
      if (key.isEmpty() || records.put(key, new Entry(at, result)) != null) {
        throw in.fail("bad or repeated idempotency key '" + key + "'");
      }
      previousMillis = at;
    }
  }
}
