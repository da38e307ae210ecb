package io.bellwether.core.kv;

import io.bellwether.core.spi.StateMachine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

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
 * <p><b>Leases.</b> Keys may be attached to a lease ({@link LeaseCommand}); a lease's id is the index
 * of the entry that granted it. It ends only by a log entry (a revoke, or an expiry the leader
 * proposed), which deletes its keys: no replica ever decides on its own that a lease ran out.
 *
 * <p><b>Listeners.</b> {@link KvStateListener}s hear of every applied entry, the keys it changed and
 * leases granted and ended, and of snapshots restored: the watch history and the leader's lease clocks
 * follow the state this way without being part of it.
 *
 * <p><b>Threading.</b> Not thread-safe: the node's runtime thread calls every method (see {@link
 * StateMachine}), except {@link #addListener}, which may be called from any thread before the node
 * starts.
 */
public final class KvStateMachine implements StateMachine {

  /** How long idempotency records are kept, by the log clock: 5 minutes. */
  public static final long DEFAULT_IDEMPOTENCY_RETENTION_MILLIS = 5 * 60_000L;

  /** At most this many idempotency records are kept; the eldest go first. */
  public static final int DEFAULT_IDEMPOTENCY_MAX_RECORDS = 100_000;

  /** The snapshot layout from before leases; still restored. */
  private static final int SNAPSHOT_TAG_V1 = 0x41;
  /** Leases, and each key's lease. */
  private static final int SNAPSHOT_TAG = 0x42;

  private final long idempotencyRetentionMillis;
  private final int idempotencyMaxRecords;

  private KvStore store = new KvStore();
  private IdempotencyTable idempotency;
  private long logClockMillis;
  private final List<KvStateListener> listeners = new CopyOnWriteArrayList<>();

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
  /** Adds a listener; it hears of entries applied from now on. */
  public void addListener(KvStateListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
    List<KvChange> changes = new ArrayList<>(1);
    byte[] result = applyCommand(index, command, changes);
    List<KvChange> view = changes.isEmpty() ? List.of() : Collections.unmodifiableList(changes);
    for (KvStateListener l : listeners) l.applied(index, view);
    return result;
  }

  private byte[] applyCommand(long index, byte[] command, List<KvChange> changes) {
    boolean lease = LeaseCommand.isLeaseCommand(command);
    long timestampMillis;
    String idempotencyKey;
    KvCommand kv = null;
    LeaseCommand leaseCommand = null;
    try {
      if (lease) {
        leaseCommand = LeaseCommand.decode(command);
        timestampMillis = leaseCommand.timestampMillis();
        idempotencyKey = leaseCommand.idempotencyKey();
      } else {
        kv = KvCommand.decode(command);
        timestampMillis = kv.timestampMillis();
        idempotencyKey = kv.idempotencyKey();
      }
    } catch (KvFormatException e) {
      return lease
          ? new LeaseResult(LeaseResult.Status.INVALID, 0, 0, 0, index).encode()
          : KvResult.invalid().encode();
    }
    // Advance the clock and expire before the lookup, so a retry after the window is applied anew.
    logClockMillis = Math.max(logClockMillis, timestampMillis);
    idempotency.expire(logClockMillis);
    if (idempotencyKey != null) {
      byte[] original = idempotency.lookup(idempotencyKey);
      if (original != null) return original.clone();
    }
    byte[] result = kv != null
        ? execute(index, kv, changes).atIndex(index).encode()
        : executeLease(index, leaseCommand, changes).encode();
    if (idempotencyKey != null) idempotency.remember(idempotencyKey, logClockMillis, result.clone());
    return result;
  }

  private KvResult execute(long index, KvCommand cmd, List<KvChange> changes) {
    if (cmd instanceof KvCommand.Put put) return store.put(index, put, changes);
    return store.delete(index, (KvCommand.Delete) cmd, changes);
  }

  private LeaseResult executeLease(long index, LeaseCommand cmd, List<KvChange> changes) {
    if (cmd instanceof LeaseCommand.Grant grant) {
      store.grantLease(index, grant.ttlSeconds());
      for (KvStateListener l : listeners) l.leaseGranted(index, grant.ttlSeconds());
      return new LeaseResult(LeaseResult.Status.OK, index, grant.ttlSeconds(), 0, index);
    }
    long id;
    KvChange.Cause cause;
    if (cmd instanceof LeaseCommand.Revoke revoke) {
      id = revoke.leaseId();
      cause = KvChange.Cause.LEASE_REVOKED;
    } else {
      id = ((LeaseCommand.Expire) cmd).leaseId();
      cause = KvChange.Cause.LEASE_EXPIRED;
    }
    int deleted = store.endLease(id, cause, changes);
    if (deleted < 0) return new LeaseResult(LeaseResult.Status.NOT_FOUND, id, 0, 0, index);
    for (KvStateListener l : listeners) l.leaseEnded(id);
    return new LeaseResult(LeaseResult.Status.OK, id, 0, deleted, index);
  }

  /**
   * Answers a {@link KvQuery} with its encoded {@link KvQueryResult} (or {@link LeaseQueryResult} for
   * the lease queries). Changes nothing.
   *
   * @throws KvFormatException (an {@link IllegalArgumentException}) if the query does not decode
   */
  @Override
  public byte[] query(byte[] query) {
    KvQuery q = KvQuery.decode(query);
    if (q instanceof KvQuery.Get get) return store.get(get.key()).encode();
    if (q instanceof KvQuery.Scan scan) return store.scan(scan).encode();
    return LeaseQueries.answer(store.leases(), q).encode();
  }

  /**
   * The whole state: the log clock, the leases, every key with its version, value and lease in key
   * order, and the idempotency records eldest first. Equal states give equal bytes.
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
    int tag = in.header();
    if (tag != SNAPSHOT_TAG && tag != SNAPSHOT_TAG_V1) throw in.fail("not a key-value snapshot");
    long clock = in.varLong("logClockMillis", 0, Long.MAX_VALUE);
    KvStore restoredStore = KvStore.decode(in, tag == SNAPSHOT_TAG);
    IdempotencyTable restoredTable =
        new IdempotencyTable(idempotencyRetentionMillis, idempotencyMaxRecords);
    restoredTable.decode(in, clock);
    in.end();
    store = restoredStore;
    idempotency = restoredTable;
    logClockMillis = clock;
    for (KvStateListener l : listeners) l.restored(index, store.leases().ttls());
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

  /** The number of leases. */
  public int leaseCount() {
    return store.leases().size();
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
