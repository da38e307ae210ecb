package io.bellwether.core.runtime;

import io.bellwether.core.LogEntry;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.StateMachine;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * This node's snapshots (Raft §7): when to take one ({@link SnapshotPolicy}), taking it (captured on
 * the node thread between batches, so it is exactly the state at the applied index; its data
 * produced by the capture and stored by the snapshot writer; then switched to, compacting the log),
 * and the counts a status reports, including snapshots installed from the leader and sent to
 * followers. Node thread only, except the data write ({@link SnapshotCapture#write()} and {@link
 * LogStore#prepareSnapshot}), which runs on the writer given to {@link #writeOn}.
 */
final class LocalSnapshots {

  private final SnapshotPolicy policy;
  private final LogStore store;
  private final RaftEngine engine;
  private final StateMachine stateMachine;
  private final Runnable synced;
  private Executor writer = Runnable::run;
  private Executor backToNodeThread = Runnable::run;
  private NodeObserver observer = NodeObserver.NONE;

  private long lastIndex;
  private long bytesSince;
  private long bytes;
  private long taken;
  private long installed;
  private long sent;
  private boolean beingWritten;

  /** @param synced called after each sync this class makes (the switch to a snapshot) */
  LocalSnapshots(SnapshotPolicy policy, LogStore store, RaftEngine engine, StateMachine stateMachine,
      Runnable synced) {
    this.policy = policy;
    this.store = store;
    this.engine = engine;
    this.stateMachine = stateMachine;
    this.synced = synced;
    this.lastIndex = engine.snapshotIndex();
    this.bytes = store.snapshot().map(s -> stateMachine.snapshotSize(s.data())).orElse(0L);
  }

  /** See {@link NodeDriver#writeSnapshotsOn}. */
  void writeOn(Executor writer, Executor nodeThread) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.backToNodeThread = Objects.requireNonNull(nodeThread, "nodeThread");
  }

  /** Who hears of each snapshot taken, installed and sent. */
  void observe(NodeObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** An entry was applied: it counts toward the next snapshot's byte threshold. */
  void applied(LogEntry e) {
    bytesSince += e.sizeBytes();
  }

  /** The state machine became {@code snapshot}, installed from the leader. */
  void installed(Snapshot snapshot) {
    lastIndex = snapshot.lastIndex();
    bytes = stateMachine.snapshotSize(snapshot.data());
    bytesSince = 0;
    installed++;
    observer.snapshotInstalled(snapshot.lastIndex(), engine.leaderId());
  }

  /** The first chunk of the snapshot at {@code index} left for {@code follower}. */
  void countSent(String follower, long index) {
    sent++;
    observer.snapshotSent(follower, index);
  }

  /**
   * Takes a snapshot of the state at {@code appliedIndex} once enough was applied since the last one:
   * one at a time, captured now, written by the snapshot writer, switched to in {@link #written}.
   */
  void maybeTake(long appliedIndex) {
    if (beingWritten) return;
    long entries = appliedIndex - lastIndex;
    if (entries < policy.thresholdEntries() && bytesSince < policy.thresholdBytes()) return;
    if (entries <= 0) return;
    // Captured here, between batches, so it is exactly the state at appliedIndex. Producing and
    // writing its data is the slow part: that goes to the snapshot writer (the capture's write()
    // too, which for a large state is most of it), and the node goes on meanwhile.
    SnapshotCapture capture = stateMachine.captureSnapshot();
    long term = engine.termAt(appliedIndex);
    Membership membership = engine.membershipAt(appliedIndex);
    bytesSince = 0;
    beingWritten = true;
    writer.execute(() -> {
      Snapshot snapshot = null;
      RuntimeException failure = null;
      try {
        snapshot = new Snapshot(appliedIndex, term, membership, capture.write());
        store.prepareSnapshot(snapshot);
      } catch (RuntimeException e) {
        failure = e;
      }
      Snapshot s = snapshot;
      RuntimeException f = failure;
      backToNodeThread.execute(() -> written(s, f));
    });
  }

  /**
   * Back on the node thread once the snapshot's data is on disk: make it the store's latest, compact
   * the log it covers (Raft §7) and sync, which now writes only a small record.
   *
   * @throws RuntimeException the writer's failure (the capture's write or the store's): a disk that
   *     cannot take a snapshot is as fatal as one that cannot sync
   */
  private void written(Snapshot snapshot, RuntimeException failure) {
    beingWritten = false;
    if (failure != null) throw failure;
    // Overtaken by a snapshot installed from the leader meanwhile. The engine's index counts too: it
    // installs the leader's snapshot while stepping, and this task may run in the same pass, before
    // flush() restores it (installed()), when the log no longer holds the entry ours ends with.
    if (snapshot.lastIndex() <= Math.max(lastIndex, engine.snapshotIndex())) return;
    store.saveSnapshot(snapshot);
    long compactTo = engine.snapshotTaken(snapshot, policy.catchUpTailEntries());
    if (compactTo > 0) store.compactPrefix(compactTo);
    store.sync();
    synced.run();
    lastIndex = snapshot.lastIndex();
    bytes = stateMachine.snapshotSize(snapshot.data());
    taken++;
    observer.snapshotTaken(lastIndex, bytes);
  }

  long lastIndex() {
    return lastIndex;
  }

  long bytes() {
    return bytes;
  }

  long taken() {
    return taken;
  }

  long installed() {
    return installed;
  }

  long sent() {
    return sent;
  }
}
