package io.bellwether.core.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link KvQuery}: a {@link GetResult} for a Get, a {@link ScanResult} for a Scan, a
 * {@link StateHashResult} for a StateHash.
 */
public sealed interface KvQueryResult
    permits KvQueryResult.GetResult, KvQueryResult.ScanResult, KvQueryResult.StateHashResult {

  /** The result in its binary wire format. */
  byte[] encode();

  /**
   * Decodes a result {@link #encode()} produced.
   *
   * @throws KvFormatException if {@code bytes} are not a valid query result
   */
  static KvQueryResult decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "query result");
    int tag = in.header();
    KvQueryResult result;
    if (tag == GetResult.TAG) {
      boolean found = in.bool();
      long version = in.varLong("version", 0, Long.MAX_VALUE);
      byte[] value = in.bytes("value", Integer.MAX_VALUE);
      long lease = in.varLong("lease", 0, Long.MAX_VALUE);
      if (!found && (version != 0 || value.length != 0 || lease != 0)) throw in.fail("absent key with data");
      result = new GetResult(found, value, version, lease);
    } else if (tag == ScanResult.TAG) {
      // Each entry takes at least 3 bytes, so the count is bounded before the list grows.
      int count = in.length("entry count", KvLimits.MAX_SCAN_LIMIT);
      List<KvEntry> entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String key = in.string("key", KvLimits.MAX_KEY_BYTES);
        long version = in.varLong("version", 1, Long.MAX_VALUE);
        byte[] value = in.bytes("value", Integer.MAX_VALUE);
        entries.add(new KvEntry(key, version, value, in.varLong("lease", 0, Long.MAX_VALUE)));
      }
      result = new ScanResult(entries, in.bool());
    } else if (tag == StateHashResult.TAG) {
      result = new StateHashResult(in.varLong());
    } else {
      throw in.fail("unknown query result tag " + tag);
    }
    in.end();
    return result;
  }

  /**
   * One key's value, version and lease (0: none), or {@code found == false} with an empty value and
   * version 0. The value array is owned by the result: callers must not change it.
   */
  record GetResult(boolean found, byte[] value, long version, long lease) implements KvQueryResult {

    static final int TAG = 0x31;
    private static final GetResult NOT_FOUND = new GetResult(false, new byte[0], 0, 0);

    public GetResult {
      Objects.requireNonNull(value, "value");
    }

    /** A key attached to no lease. */
    public GetResult(boolean found, byte[] value, long version) {
      this(found, value, version, 0);
    }

    public static GetResult notFound() {
      return NOT_FOUND;
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, value.length + 24).bool(found).varLong(version).bytes(value)
          .varLong(lease).toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GetResult r
          && r.found == found
          && r.version == version
          && r.lease == lease
          && Arrays.equals(r.value, value);
    }

    @Override
    public int hashCode() {
      return Objects.hash(found, version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return found ? "GetResult[v" + version + " " + value.length + "B]" : "GetResult[not found]";
    }
  }

  /**
   * Entries in key order. {@code more} says the scan stopped before the end of the prefix range (at
   * the limit or the result size budget): the next page starts after the last key returned.
   */
  record ScanResult(List<KvEntry> entries, boolean more) implements KvQueryResult {

    static final int TAG = 0x32;

    public ScanResult {
      entries = List.copyOf(entries);
    }

    @Override
    public byte[] encode() {
      int sizeHint = 16;
      for (KvEntry e : entries) sizeHint += e.key().length() + e.value().length + 12;
      WireWriter out = WireWriter.message(TAG, sizeHint).varLong(entries.size());
      for (KvEntry e : entries) out.string(e.key()).varLong(e.version()).bytes(e.value()).varLong(e.lease());
      return out.bool(more).toByteArray();
    }
  }

  /** The state's hash ({@link KvStateMachine#stateHash()}), any 64-bit value. */
  record StateHashResult(long hash) implements KvQueryResult {

    static final int TAG = 0x34;

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 10).varLong(hash).toByteArray();
    }
  }
}
