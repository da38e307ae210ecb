package io.bellwether.testkit.sim;

import io.bellwether.core.EntryType;
import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.engine.LogReader;
import io.bellwether.testkit.inmem.CrashableLogStore;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One node's disk in the simulation: an {@link CrashableLogStore} (which knows what was synced) plus
 * what the checkers need.
 *
 * <p>It is also the engine's {@link LogReader}: the engine reads back through it the entries its
 * cache let go, as a real node's engine reads its store.
 *
 * <ul>
 *   <li>A <b>prefix hash</b> per index: a hash of every entry up to it. Two logs hold identical
 *       prefixes up to {@code i} exactly when their hashes at {@code i} are equal, which turns Log
 *       Matching and Leader Completeness into constant-time comparisons. Below a snapshot the entries
 *       may be gone; the hash at the snapshot's index is then the one of the entry it names, as some
 *       node stored it ({@link Observer#prefixHashOf}), and lower hashes are unknown.
 *   <li>Every append is reported to the {@link Observer}, so Log Matching is checked on every entry
 *       any node ever stored.
 *   <li>The <b>configurations</b> its configuration entries set, by index, decoded from the entries
 *       as they are stored (not asked of the engine), so the checkers can hold the engine's
 *       configuration against the newest one its log holds ({@link #newestConfig}).
 *   <li>{@link #crashAtNextSync}: the next {@link #sync()} throws {@link Crash} instead of syncing,
 *       modelling a process that dies while the disk still holds unsynced writes. The cluster then
 *       restarts the node from {@link #afterCrash}, which keeps a random, possibly torn, prefix of
 *       them. (Crashing between steps would lose nothing: the driver syncs before a step ends.)
 * </ul>
 */
public final class SimLogStore implements LogStore, LogReader {

  /** What the store tells the checkers, and asks of them. */
  interface Observer {
    /**
     * {@code node} stored {@code entry} after the prefix hashed {@code previousHash} (0 for the
     * empty log), ending a prefix hashed {@code prefixHash}.
     */
    void stored(String node, LogEntry entry, long previousHash, long prefixHash);

    /** The prefix hash ending at the entry ({@code index}, {@code term}) some node stored. */
    long prefixHashOf(String node, long index, long term);

    /** The engine read {@code count} entries back from the store (its cache had let them go). */
    default void readBack(int count) {}
  }

  /** Thrown by {@link #sync()} when a crash was armed: the node dies with its writes unsynced. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash(String node) {
      super("simulated crash of " + node + " during sync", null, false, false);
    }
  }

  private final String node;
  private final CrashableLogStore disk;
  private final Observer observer;

  /** prefixHash[i] covers entries 1..i, for i from knownFrom to lastIndex; prefixHash[0] = 0. */
  private long[] prefixHash = new long[64];

  private long[] terms = new long[64];
  private long knownFrom;
  private long lastIndex;
  private boolean crashAtNextSync;

  // What a crash now would certainly keep: the state as of the last sync (or of the start of this
  // life, whose whole disk survived). The promise checks ask it whether a vote or an acknowledged
  // entry was durable, whatever the runtime sent meanwhile.
  private long[] durableTerms = new long[64];
  private long durableLast;
  private long durableSnapshotIndex;
  private HardState durableHardState = HardState.INITIAL;

  /** The lowest index changed since the last sync, or {@link Long#MAX_VALUE}. */
  private long dirtyFrom;

  /** The configuration each configuration entry of this log sets, by index (compacted ones too). */
  private final TreeMap<Long, Membership> configs = new TreeMap<>();

  /** The configuration the snapshot carries (null: none, or no snapshot), kept as it is saved. */
  private Membership snapshotConfig;

  /** An empty disk. */
  SimLogStore(String node, Observer observer) {
    this(node, new CrashableLogStore(), observer);
  }

  private SimLogStore(String node, CrashableLogStore disk, Observer observer) {
    this.node = node;
    this.disk = disk;
    this.observer = observer;
    Optional<Snapshot> snapshot = disk.snapshot();
    if (snapshot.isPresent()) startAt(snapshot.get());
    snapshotConfig = snapshot.map(Snapshot::membership).orElse(null);
    long from = Math.max(disk.firstIndex(), knownFrom + 1);
    if (disk.lastIndex() >= from) {
      // What survived a crash was stored before; report it again so it is checked against the rest.
      record(disk.entries(from, disk.lastIndex() + 1, Long.MAX_VALUE));
    }
    dirtyFrom = 0;
    markDurable();
  }

  /** Everything staged is now durable. */
  private void markDurable() {
    if (durableTerms.length < terms.length) durableTerms = Arrays.copyOf(durableTerms, terms.length);
    for (long i = Math.max(dirtyFrom, knownFrom); i <= lastIndex; i++) {
      durableTerms[(int) i] = terms[(int) i];
    }
    durableLast = lastIndex;
    durableSnapshotIndex = disk.snapshot().map(Snapshot::lastIndex).orElse(0L);
    durableHardState = disk.hardState();
    dirtyFrom = Long.MAX_VALUE;
  }

  /** Whether a crash now would certainly keep the entry (index, term), or a snapshot covering it. */
  boolean durablyHolds(long index, long term) {
    if (index <= durableSnapshotIndex) return true;
    return index <= durableLast && durableTerms[(int) index] == term;
  }

  /** The term and vote a crash now would certainly keep. */
  HardState durableHardState() {
    return durableHardState;
  }

  /** The disk this node finds after a crash now: what was synced plus a random prefix of the rest. */
  SimLogStore afterCrash(Random random) {
    return new SimLogStore(node, disk.crashCopy(random), observer);
  }

  void crashAtNextSync(boolean armed) {
    crashAtNextSync = armed;
  }

  /**
   * The lowest index whose prefix hash is known: 0, or the index of a snapshot this log started
   * from (on restart, or when a leader's snapshot replaced it), so everything up to it is committed.
   */
  long knownFrom() {
    return knownFrom;
  }

  /** Hash of the entries 1..index of this log, for {@code knownFrom() <= index <= lastIndex}. */
  long prefixHash(long index) {
    requireKnown(index);
    return prefixHash[(int) index];
  }

  /** Term of the entry at {@code index}, even after compaction, for the same range. */
  long termOf(long index) {
    requireKnown(index);
    return terms[(int) index];
  }

  private void requireKnown(long index) {
    if (index < knownFrom || index > lastIndex) {
      throw new IllegalArgumentException("index " + index + " outside " + knownFrom + ".." + lastIndex);
    }
  }

  // ---------------------------------------------------------------- LogStore

  @Override
  public void append(List<LogEntry> entries) {
    disk.append(entries);
    record(entries);
  }

  private void record(List<LogEntry> entries) {
    if (entries.isEmpty()) return;
    long index = entries.get(0).index() - 1; // an append replaces everything from its first index
    dirtyFrom = Math.min(dirtyFrom, index + 1);
    if (index < knownFrom) {
      throw new IllegalStateException(node + " appended at " + (index + 1) + ", under its snapshot");
    }
    configs.tailMap(index + 1, true).clear();
    for (LogEntry e : entries) {
      if (e.type() == EntryType.CONFIG) configs.put(e.index(), MembershipCodec.decode(e.data()));
      long previous = prefixHash[(int) index];
      long hash = PrefixHash.next(previous, e);
      index++;
      set(index, hash, e.term());
      observer.stored(node, e, previous, hash);
    }
    lastIndex = index;
  }

  private void set(long index, long hash, long term) {
    if (index >= prefixHash.length) {
      int size = Math.max(prefixHash.length * 2, (int) index + 1);
      prefixHash = Arrays.copyOf(prefixHash, size);
      terms = Arrays.copyOf(terms, size);
    }
    prefixHash[(int) index] = hash;
    terms[(int) index] = term;
  }

  @Override
  public void saveSnapshot(Snapshot snapshot) {
    disk.saveSnapshot(snapshot);
    snapshotConfig = snapshot.membership();
    boolean logHoldsIt = snapshot.lastIndex() <= lastIndex && snapshot.lastIndex() >= knownFrom
        && terms[(int) snapshot.lastIndex()] == snapshot.lastTerm();
    // As the disk does: a snapshot the log does not match replaces the whole log.
    if (!logHoldsIt) startAt(snapshot);
  }

  private void startAt(Snapshot snapshot) {
    long index = snapshot.lastIndex();
    dirtyFrom = Math.min(dirtyFrom, index);
    set(index, observer.prefixHashOf(node, index, snapshot.lastTerm()), snapshot.lastTerm());
    knownFrom = index;
    lastIndex = index;
    configs.clear(); // the snapshot carries the configuration in effect at its index
  }

  /**
   * The configuration set by the newest configuration entry of this log, else the one its snapshot
   * carries; null when neither holds one (then the node's bootstrap configuration stands).
   */
  Membership newestConfig() {
    Map.Entry<Long, Membership> last = configs.lastEntry();
    return last != null && (snapshotConfig == null || last.getKey() > snapshotConfig.index())
        ? last.getValue()
        : snapshotConfig;
  }

  /** The configurations set by configuration entries of this log from {@code from} on, by index. */
  NavigableMap<Long, Membership> configsFrom(long from) {
    return configs.tailMap(from, true);
  }

  /** The configuration carried by this log's snapshot, or null. */
  Membership snapshotConfig() {
    return snapshotConfig;
  }

  @Override
  public void compactPrefix(long upToIndex) {
    disk.compactPrefix(upToIndex); // the hashes stay: the entries were here, and matched
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    disk.truncateSuffix(fromIndex);
    configs.tailMap(fromIndex, true).clear();
    dirtyFrom = Math.min(dirtyFrom, fromIndex);
    lastIndex = Math.min(lastIndex, fromIndex - 1);
  }

  @Override
  public void sync() {
    if (crashAtNextSync) throw new Crash(node);
    disk.sync();
    markDurable();
  }

  @Override
  public HardState hardState() {
    return disk.hardState();
  }

  @Override
  public void saveHardState(HardState state) {
    disk.saveHardState(state);
  }

  @Override
  public long firstIndex() {
    return disk.firstIndex();
  }

  @Override
  public long lastIndex() {
    return disk.lastIndex();
  }

  @Override
  public long term(long index) {
    return disk.term(index);
  }

  /** Only the engine reads entries here (the runtime never does): what it read back is counted. */
  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    List<LogEntry> read = disk.entries(fromIndex, toIndex, maxBytes);
    observer.readBack(read.size());
    return read;
  }

  @Override
  public Optional<Snapshot> snapshot() {
    return disk.snapshot();
  }

  @Override
  public void close() {
    disk.close();
  }

  /** A 64-bit hash chained over log entries: equal hashes at an index mean equal prefixes. */
  static final class PrefixHash {
    private PrefixHash() {}

    static long next(long previous, LogEntry e) {
      long h = previous;
      h = mix(h ^ e.index());
      h = mix(h ^ e.term());
      h = mix(h ^ e.type().code());
      h = mix(h ^ fnv64(e.data()));
      return h;
    }

    private static long fnv64(byte[] data) {
      long h = 0xcbf29ce484222325L;
      for (byte b : data) {
        h ^= b & 0xff;
        h *= 0x100000001b3L;
      }
      return h;
    }

    /** The SplitMix64 finalizer: spreads every input bit over the whole word. */
    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }
  }
}
