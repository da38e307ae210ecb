package io.bellwether.core.kv;

import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StateMachine;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
  /** The rest of the state that a {@link DurableKvStorage} keeps in its manifest. */
  private static final int META_TAG = 0x44;

  private final long idempotencyRetentionMillis;
  private final int idempotencyMaxRecords;

  /** The storage given at construction; an in-memory restore replaces it with a fresh one in {@link #store}. */
  private final KvStorage storage;
  private final DurableKvStorage durable;
  private KvStore store;
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
    this(KvStorage.inMemory(), idempotencyRetentionMillis, idempotencyMaxRecords);
  }

  /**
   * A state machine keeping its keys in {@code storage}. With a {@link DurableKvStorage}, snapshots
   * are the storage's manifests: taking one writes only what changed, off the node thread, and
   * restoring one opens files instead of reading the data.
   *
   * @param storage an empty storage, owned by this state machine from now on
   */
  public KvStateMachine(KvStorage storage, long idempotencyRetentionMillis, int idempotencyMaxRecords) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.durable = storage instanceof DurableKvStorage d ? d : null;
    this.store = new KvStore(storage);
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
   * the lease queries). Changes nothing. {@link KvQuery.StateHash} costs a full pass over the state ({@link #stateHash()}).
   *
   * @throws KvFormatException (an {@link IllegalArgumentException}) if the query does not decode
   */
  @Override
  public byte[] query(byte[] query) {
    KvQuery q = KvQuery.decode(query);
    if (q instanceof KvQuery.Get get) return store.get(get.key()).encode();
    if (q instanceof KvQuery.Scan scan) return store.scan(scan).encode();
    if (q instanceof KvQuery.StateHash) return new KvQueryResult.StateHashResult(stateHash()).encode();
    return LeaseQueries.answer(store.leases(), q).encode();
  }

  /**
   * The whole state: the log clock, the leases, every key with its version, value and lease in key
   * order, and the idempotency records eldest first. Equal states give equal bytes.
   */
  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeCanonical(out::writeBytes);
    return out.toByteArray();
  }

  /**
   * Writes what {@link #snapshot()} returns, in pieces of about 64 KiB handed to {@code sink}: the
   * whole state without holding it in the heap.
   */
  private void writeCanonical(Consumer<byte[]> sink) {
    WireWriter out = WireWriter.message(SNAPSHOT_TAG, KvStore.ENCODE_FLUSH_BYTES + 1024).varLong(logClockMillis);
    Consumer<WireWriter> flush = w -> {
      sink.accept(w.toByteArray());
      w.reset();
    };
    store.encode(out, flush);
    idempotency.encode(out);
    flush.accept(out);
  }

  /**
   * With a {@link DurableKvStorage}: freezes what changed since the last snapshot and hands the
   * writing of it to the snapshot writer; otherwise {@link #snapshot()}, as every state machine.
   */
  @Override
  public SnapshotCapture captureSnapshot() {
    if (durable == null) return StateMachine.super.captureSnapshot();
    return durable.capture(meta());
  }

  @Override
  public SnapshotData exportSnapshot(long lastIndex, byte[] localData) {
    if (durable == null || !isManifest(localData)) return SnapshotData.of(localData);
    return durable.export(localData);
  }

  @Override
  public long snapshotSize(byte[] localData) {
    if (durable == null || !isManifest(localData)) return localData.length;
    return durable.transferredBytes(localData);
  }

  @Override
  public SnapshotSink receiveSnapshot(long lastIndex, long totalBytes) {
    if (durable == null) return StateMachine.super.receiveSnapshot(lastIndex, totalBytes);
    return durable.receive(totalBytes);
  }

  /** The state besides the keys, for a durable storage's manifest. */
  private byte[] meta() {
    WireWriter out = WireWriter.message(META_TAG, 1024).varLong(logClockMillis);
    store.leases().encodeWithKeys(out);
    idempotency.encode(out);
    return out.toByteArray();
  }

  private static boolean isManifest(byte[] data) {
    return data.length >= 2 && data[0] == WireWriter.FORMAT_VERSION && data[1] == DurableKvStorage.LOCAL_FORM_TAG;
  }

  /** Stops a durable storage's background work and closes its files. Idempotent. */
  public void close() {
    if (durable != null) durable.close();
  }

  /**
   * Replaces the whole state with a {@link #snapshot()}. Decodes into fresh structures and swaps them
   * in only once all is read, so a bad snapshot leaves the state unchanged.
   *
   * @throws KvFormatException (an {@link IllegalArgumentException}) if the snapshot does not decode
   */
  @Override
  public void restore(long index, byte[] snapshot) {
    if (isManifest(snapshot)) {
      if (durable == null) {
        throw new KvFormatException("snapshot: it names on-disk files of a key-value state kept on disk,"
            + " but this state machine keeps its keys in memory: open a data directory with the kind of"
            + " state that wrote it");
      }
      restoreMeta(index, durable.restore(snapshot));
      return;
    }
    WireReader in = new WireReader(snapshot, "snapshot");
    int tag = in.header();
    if (tag != SNAPSHOT_TAG && tag != SNAPSHOT_TAG_V1) throw in.fail("not a key-value snapshot");
    if (durable != null) {
      throw in.fail("it holds a key-value state kept in memory, but this state machine keeps its keys on"
          + " disk: open a data directory with the kind of state that wrote it");
    }
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

  /** The storage restored its entries from a manifest; the rest of the state comes from its meta. */
  private void restoreMeta(long index, byte[] meta) {
    WireReader in = new WireReader(meta, "snapshot meta");
    if (in.header() != META_TAG) throw in.fail("not a key-value snapshot's meta");
    long clock = in.varLong("logClockMillis", 0, Long.MAX_VALUE);
    LeaseTable leases = LeaseTable.decodeWithKeys(in);
    IdempotencyTable restoredTable =
        new IdempotencyTable(idempotencyRetentionMillis, idempotencyMaxRecords);
    restoredTable.decode(in, clock);
    in.end();
    store = new KvStore(storage);
    store.replaceLeases(leases);
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
    MessageDigest sha = sha256();
    writeCanonical(sha::update);
    byte[] digest = sha.digest();
    long hash = 0;
    for (int i = 0; i < 8; i++) hash = (hash << 8) | (digest[i] & 0xFF);
    return hash;
  }

  /** The number of keys. */
  public int size() {
    return (int) Math.min(Integer.MAX_VALUE, store.size());
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
