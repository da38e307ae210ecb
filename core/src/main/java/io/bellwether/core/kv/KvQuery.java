package io.bellwether.core.kv;

/**
 * A read of the key-value store, answered by {@link KvStateMachine#query} with a {@link
 * KvQueryResult}. Built only in valid form: the constructors throw {@link InvalidRequestException}.
 */
public sealed interface KvQuery
    permits KvQuery.Get, KvQuery.Scan, KvQuery.LeaseGet, KvQuery.LeaseList, KvQuery.StateHash {

  /** The query in its binary wire format. */
  byte[] encode();

  /**
   * Decodes a query {@link #encode()} produced.
   *
   * @throws KvFormatException if {@code bytes} are not a valid query
   */
  static KvQuery decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "query");
    int tag = in.header();
    KvQuery query;
    try {
      if (tag == Get.TAG) {
        query = new Get(in.string("key", KvLimits.MAX_KEY_BYTES));
      } else if (tag == Scan.TAG) {
        String prefix = in.string("prefix", KvLimits.MAX_KEY_BYTES);
        query = new Scan(prefix, (int) in.varLong("limit", 1, KvLimits.MAX_SCAN_LIMIT));
      } else if (tag == Scan.TAG_AFTER) {
        String prefix = in.string("prefix", KvLimits.MAX_KEY_BYTES);
        int limit = (int) in.varLong("limit", 1, KvLimits.MAX_SCAN_LIMIT);
        query = new Scan(prefix, limit, in.string("after", KvLimits.MAX_KEY_BYTES));
      } else if (tag == LeaseGet.TAG) {
        query = new LeaseGet(in.varLong("lease id", 1, Long.MAX_VALUE));
      } else if (tag == LeaseList.TAG) {
        query = new LeaseList((int) in.varLong("limit", 1, KvLimits.MAX_SCAN_LIMIT));
      } else if (tag == StateHash.TAG) {
        query = new StateHash();
      } else {
        throw in.fail("unknown query tag " + tag);
      }
    } catch (InvalidRequestException e) {
      throw new KvFormatException("malformed query: " + e.getMessage(), e);
    }
    in.end();
    return query;
  }

  /** The value and version of one key. Answered with {@link KvQueryResult.GetResult}. */
  record Get(String key) implements KvQuery {

    static final int TAG = 0x11;

    public Get {
      KvLimits.checkKey(key);
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, key.length() + 4).string(key).toByteArray();
    }
  }

  /**
   * At most {@code limit} entries whose keys start with {@code prefix} ("" for all), in key order
   * ({@link KeyOrder}), and come after {@code after} in that order when it is not null (a scan
   * continuing after the last key of its previous page). Answered with {@link
   * KvQueryResult.ScanResult}.
   */
  record Scan(String prefix, int limit, String after) implements KvQuery {

    static final int TAG = 0x12;
    /**
     * A scan with {@code after}: a tag of its own, so a scan without it encodes exactly as before and
     * every encoding written before {@code after} existed still decodes unchanged.
     */
    static final int TAG_AFTER = 0x15;

    public Scan {
      KvLimits.checkPrefix(prefix);
      KvLimits.checkScanLimit(limit);
      if (after != null) KvLimits.checkKey(after);
    }

    /** A scan from the first key with the prefix. */
    public Scan(String prefix, int limit) {
      this(prefix, limit, null);
    }

    @Override
    public byte[] encode() {
      if (after == null) {
        return WireWriter.message(TAG, prefix.length() + 8).string(prefix).varLong(limit).toByteArray();
      }
      return WireWriter.message(TAG_AFTER, prefix.length() + after.length() + 12).string(prefix).varLong(limit)
          .string(after).toByteArray();
    }
  }

  /** One lease with its keys. Answered with a {@link LeaseQueryResult} of zero or one lease. */
  record LeaseGet(long leaseId) implements KvQuery {

    static final int TAG = 0x13;

    public LeaseGet {
      if (leaseId < 1) throw InvalidRequestException.badInput("lease id must be >= 1: " + leaseId);
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 12).varLong(leaseId).toByteArray();
    }
  }

  /**
   * Up to {@code limit} leases in id order, without their keys. Answered with a {@link
   * LeaseQueryResult}.
   */
  record LeaseList(int limit) implements KvQuery {

    static final int TAG = 0x14;

    public LeaseList {
      KvLimits.checkScanLimit(limit);
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 8).varLong(limit).toByteArray();
    }
  }

  /**
   * The hash of the whole replicated state ({@link KvStateMachine#stateHash()}), so that replicas can
   * be compared at the same applied index. Answered with {@link KvQueryResult.StateHashResult}.
   * Costs a full pass over the state: meant for checks, not hot paths.
   */
  record StateHash() implements KvQuery {

    static final int TAG = 0x16;

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 0).toByteArray();
    }
  }
}
