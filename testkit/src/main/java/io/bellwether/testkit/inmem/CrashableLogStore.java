package io.bellwether.testkit.inmem;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.inmem.LogImage;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * A {@link LogStore} in memory that can simulate a crash and a failing disk, for tests of what a node
 * keeps across a kill -9 ({@link io.bellwether.core.inmem.InMemoryLogStore}, shipped with core, keeps
 * no such record). It keeps the staged image (what reads see)
 * and a durable image (what {@link #sync()} made durable), plus the log changes staged since the last
 * sync, in order. {@link #crashCopy()} and {@link #crashCopy(Random)} build the store a restarted node
 * would find.
 *
 * <p>Beyond the {@link LogStore} contract, it rejects as programming errors an append or truncation
 * that would change entries covered by the snapshot, and a snapshot older than the compacted prefix.
 * A snapshot whose last entry the log does not hold with the same term discards the whole log (Raft
 * §7), so the log restarts right after the snapshot.
 *
 * <p>Methods are synchronized, not for the single runtime thread, but so that tests may inspect or
 * crash-copy a store from another thread and see a consistent state. Use after {@link #close()}
 * throws {@link IllegalStateException}, except {@code crashCopy}, which models a restart.
 */
public final class CrashableLogStore implements LogStore {

  private final LogImage staged;
  private final LogImage durable;
  private final List<StagedChange> unsynced = new ArrayList<>();
  private HardState stagedHardState;
  private HardState durableHardState;
  private long syncCount;
  private long failSyncsAfter = Long.MAX_VALUE;
  private boolean closed;

  /** An empty store: no entries, no snapshot, {@link HardState#INITIAL}. */
  public CrashableLogStore() {
    this(new LogImage(), HardState.INITIAL);
  }

  private CrashableLogStore(LogImage image, HardState hardState) {
    this.staged = image.copy();
    this.durable = image;
    this.stagedHardState = hardState;
    this.durableHardState = hardState;
  }

  @Override
  public synchronized HardState hardState() {
    requireOpen();
    return stagedHardState;
  }

  @Override
  public synchronized void saveHardState(HardState state) {
    requireOpen();
    stagedHardState = Objects.requireNonNull(state, "state");
  }

  @Override
  public synchronized long firstIndex() {
    requireOpen();
    return staged.firstIndex();
  }

  @Override
  public synchronized long lastIndex() {
    requireOpen();
    return staged.lastIndex();
  }

  @Override
  public synchronized long term(long index) {
    requireOpen();
    return staged.term(index);
  }

  @Override
  public synchronized List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    requireOpen();
    return staged.entries(fromIndex, toIndex, maxBytes);
  }

  @Override
  public synchronized void append(List<LogEntry> entries) {
    // An empty batch changes nothing, so it is not recorded (a torn write of it would mean nothing).
    if (entries.isEmpty()) {
      requireOpen();
      return;
    }
    stage(new StagedChange.Append(entries));
  }

  @Override
  public synchronized void truncateSuffix(long fromIndex) {
    stage(new StagedChange.TruncateSuffix(fromIndex));
  }

  @Override
  public synchronized void compactPrefix(long upToIndex) {
    stage(new StagedChange.CompactPrefix(upToIndex));
  }

  @Override
  public synchronized Optional<Snapshot> snapshot() {
    requireOpen();
    return staged.snapshot();
  }

  @Override
  public synchronized void saveSnapshot(Snapshot snapshot) {
    stage(new StagedChange.SaveSnapshot(Objects.requireNonNull(snapshot, "snapshot")));
  }

  /** Replays the staged changes onto the durable image, which then equals the staged one. */
  @Override
  public synchronized void sync() {
    requireOpen();
    if (syncCount >= failSyncsAfter) {
      throw new StorageException("in-memory store: injected disk failure after " + failSyncsAfter + " syncs");
    }
    for (StagedChange change : unsynced) change.applyTo(durable);
    unsynced.clear();
    durableHardState = stagedHardState;
    syncCount++;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  /**
   * Models a disk that fails: once {@code syncs} calls to {@link #sync()} have returned, every later
   * one throws {@link StorageException} and keeps nothing. For tests of what a node does when its
   * storage fails.
   */
  public synchronized void failSyncsAfter(long syncs) {
    this.failSyncsAfter = syncs;
  }

  /** How many times {@link #sync()} returned, so tests can check that a write was made durable. */
  public synchronized long syncCount() {
    return syncCount;
  }

  /**
   * The store a node would find after crashing now if the disk kept nothing unsynced: only what
   * {@link #sync()} made durable. This store is left as it is, open or closed.
   */
  public synchronized CrashableLogStore crashCopy() {
    return new CrashableLogStore(durable.copy(), durableHardState);
  }

  /**
   * The store a node would find after crashing now, with a disk that kept a random part of the
   * unsynced writes: the durable image plus an in-order prefix of the log changes staged since, of
   * which the last append may be torn (only its first entries kept, each whole). The hard state is,
   * at random, the last synced one or the latest staged one: both were saved.
   */
  public synchronized CrashableLogStore crashCopy(Random random) {
    LogImage image = durable.copy();
    int kept = random.nextInt(unsynced.size() + 1);
    for (StagedChange change : unsynced.subList(0, kept)) change.applyTo(image);
    if (kept < unsynced.size() && unsynced.get(kept) instanceof StagedChange.Append torn) {
      torn.applyPrefixTo(image, random.nextInt(torn.entries().size()));
    }
    HardState hardState = random.nextBoolean() ? stagedHardState : durableHardState;
    return new CrashableLogStore(image, hardState);
  }

  /** Checks the change against the staged image first, so a rejected change is never recorded. */
  private void stage(StagedChange change) {
    requireOpen();
    change.applyTo(staged);
    unsynced.add(change);
  }

  private void requireOpen() {
    if (closed) throw new IllegalStateException("log store is closed");
  }
}
