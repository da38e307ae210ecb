package io.bellwether.core.kv;

import io.bellwether.core.spi.StateMachine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key-value store as a Raft {@link StateMachine}: versioned keys, compare-and-set writes, prefix
 * scans, and an idempotent receiver that answers a retried write with its original result.
 *
 * <p>Commands are {@link KvCommand}s, queries {@link KvQuery}s, both in their encoded form; results
 * are encoded {@link KvResult}s and {@link KvQueryResult}s. A key's version is the log index of the
 * write that last changed it.
 *
 * <p><b>Determinism.</b> The only time this class knows is the <em>log clock</em>: the largest {@code
 * timestampMillis} the leaders stamped on the commands applied so far. Idempotency records expire by
 * it, so every replica forgets the same records at the same index. A leader whose clock runs far
 * ahead makes records expire early everywhere alike; it cannot make replicas diverge.
 *
 * <p><b>Threading.</b> Not thread-safe: the node's runtime thread calls every method (see {@link
 * StateMachine}).
 */
public final class KvStateMachine implements StateMachine {

  /** How long idempotency records are kept, by the log clock: 5 minutes. */
  public static final long DEFAULT_IDEMPOTENCY_RETENTION_MILLIS = 5 * 60_000L;

  /** At most this many idempotency records are kept; the eldest go first. */
  public static final int DEFAULT_IDEMPOTENCY_MAX_RECORDS = 100_000;

  private static final int SNAPSHOT_TAG = 0x41;

  private final long idempotencyRetentionMillis;
  private final int idempotencyMaxRecords;

  private KvStore store = new KvStore();
  private IdempotencyTable idempotency;
  private long logClockMillis;

  /** A state machine with the default idempotency retention and cap. */
  public KvStateMachine() {
    this(DEFAULT_IDEMPOTENCY_RETENTION_MILLIS, DEFAULT_IDEMPOTENCY_MAX_RECORDS);
  }

  /**
   * @param idempotencyRetentionMillis how long, by the log clock, a result stays remembered (>= 0)
   * @param idempotencyMaxRecords the most results remembered at once (>= 1)
   */
  public KvStateMachine(long idempotencyRetentionMillis, int idempotencyMaxRecords) {
    this.idempotencyRetentionMillis = idempotencyRetentionMillis;
    this.idempotencyMaxRecords = idempotencyMaxRecords;
    this.idempotency = new IdempotencyTable(idempotencyRetentionMillis, idempotencyMaxRecords);
  }

  /**
   * Applies a {@link KvCommand} and returns its encoded {@link KvResult}. Never throws for a command:
   * bytes that do not decode give {@link KvResult.Status#INVALID} and change nothing. A command whose
   * idempotency key is remembered changes nothing and returns the original result, byte for byte.
   *
   * @throws IllegalArgumentException if {@code index < 1} (a bug in the caller, not in the command)
   */
  @Override
  public byte[] apply(long index, byte[] command) {
    if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
    KvCommand cmd;
    try {
      cmd = KvCommand.decode(command);
    } catch (KvFormatException e) {
      return KvResult.invalid().encode();
    }
    // Advance the clock and expire before the lookup, so a retry after the window is applied anew.
    logClockMillis = Math.max(logClockMillis, cmd.timestampMillis());
    idempotency.expire(logClockMillis);
    String idempotencyKey = cmd.idempotencyKey();
    if (idempotencyKey != null) {
      byte[] original = idempotency.lookup(idempotencyKey);
      if (original != null) return original.clone();
    }
    byte[] result = execute(index, cmd).atIndex(index).encode();
    if (idempotencyKey != null) idempotency.remember(idempotencyKey, logClockMillis, result.clone());
    return result;
  }

  private KvResult execute(long index, KvCommand cmd) {
    if (cmd instanceof KvCommand.Put put) return store.put(index, put);
    return store.delete(index, (KvCommand.Delete) cmd);
  }

  /**
   * Answers a {@link KvQuery} with its encoded {@link KvQueryResult}. Changes nothing.
   *
   * @throws KvFormatException (an {@link IllegalArgumentException}) if the query does not decode
   */
  @Override
  public byte[] query(byte[] query) {
    KvQuery q = KvQuery.decode(query);
    if (q instanceof KvQuery.Get get) return store.get(get.key()).encode();
    return store.scan((KvQuery.Scan) q).encode();
  }

  /**
   * The whole state: the log clock, every key with its version and value in key order, and the
   * idempotency records eldest first. Equal states give equal bytes.
   */
  @Override
  public byte[] snapshot() {
    WireWriter out = WireWriter.message(SNAPSHOT_TAG, 1024).varLong(logClockMillis);
    store.encode(out);
    idempotency.encode(out);
    return out.toByteArray();
  }

  /**
   * Replaces the whole state with a {@link #snapshot()}. Decodes into fresh structures and swaps them
   * in only once all is read, so a bad snapshot leaves the state unchanged.
   *
   * @throws KvFormatException (an {@link IllegalArgumentException}) if the snapshot does not decode
   */
  @Override
  public void restore(long index, byte[] snapshot) {
    WireReader in = new WireReader(snapshot, "snapshot");
    if (in.header() != SNAPSHOT_TAG) throw in.fail("not a key-value snapshot");
    long clock = in.varLong("logClockMillis", 0, Long.MAX_VALUE);
    KvStore restoredStore = KvStore.decode(in);
    IdempotencyTable restoredTable =
        new IdempotencyTable(idempotencyRetentionMillis, idempotencyMaxRecords);
    restoredTable.decode(in, clock);
    in.end();
    store = restoredStore;
    idempotency = restoredTable;
    logClockMillis = clock;
  }

  /**
   * A deterministic hash of the whole replicated state (keys, values, versions, idempotency records
   * and log clock): the first 8 bytes of the SHA-256 of {@link #snapshot()}. Replicas that applied the
   * same commands have equal hashes. Costs a full snapshot: meant for tests and checks, not hot paths.
   */
  public long stateHash() {
    byte[] digest = sha256().digest(snapshot());
    long hash = 0;
    for (int i = 0; i < 8; i++) hash = (hash << 8) | (digest[i] & 0xFF);
    return hash;
  }

  /** The number of keys. */
  public int size() {
    return store.size();
  }

  /** The number of idempotency records currently remembered. */
  public int idempotencyRecordCount() {
    return idempotency.size();
  }

  /** The log clock: the largest command timestamp applied so far (0 before any). */
  public long logClockMillis() {
    return logClockMillis;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
