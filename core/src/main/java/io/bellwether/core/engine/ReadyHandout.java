package io.bellwether.core.engine;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.Snapshot;
import java.util.List;
import java.util.Objects;

/**
 * Hands the runtime one {@link Ready} at a time and takes it back ({@link #advance}) once it is
 * carried out. It builds each Ready from the engine's {@link Effects}, the log's unstable and
 * committed entries, the hard state if it changed since the last one handed out, and a snapshot
 * received from the leader.
 *
 * <p>Its own class because the contract is easy to break from the runtime side and costly when it
 * is: a runtime that asks for the next Ready before it carried out the last could send messages
 * that promise what it has not yet made durable, or apply out of order. So asking early throws,
 * here, at once. And only an advanced Ready's entries count as applied, which is what a snapshot of
 * the state machine may cover.
 */
final class ReadyHandout {

  private final RaftLog log;
  private final Effects effects;
  private final long maxApplyBytes;

  /** The hard state in the last Ready handed out (or as stored, before the first). */
  private HardState lastHandedOut;

  /** A snapshot received in full and verified, to persist and restore. */
  private Snapshot snapshotToInstall;

  /** The Ready handed out and not yet advanced, or null. */
  private Ready out;

  ReadyHandout(RaftLog log, Effects effects, long maxApplyBytes, HardState stored) {
    this.log = log;
    this.effects = effects;
    this.maxApplyBytes = maxApplyBytes;
    this.lastHandedOut = stored;
  }

  /** A snapshot from the leader was installed in the log: the next Ready carries it. */
  void snapshotInstalled(Snapshot snapshot) {
    snapshotToInstall = snapshot;
  }

  /**
   * Whether a Ready would hold anything, apart from what the engine must still send first (read
   * rounds, forwarded reads), which it asks about itself.
   *
   * @throws IllegalStateException if a Ready is out
   */
  boolean hasReady(HardState current) {
    requireNoneOut("hasReady()");
    return !effects.isEmpty()
        || snapshotToInstall != null
        || !current.equals(lastHandedOut)
        || log.hasCommittedToApply()
        || log.hasUnstable();
  }

  /**
   * The next Ready, now out until {@link #advance}d.
   *
   * @throws IllegalStateException if a Ready is out
   */
  Ready next(HardState current) {
    requireNoneOut("ready()");
    HardState changed = current.equals(lastHandedOut) ? null : current;
    boolean termOrVoteChanged = current.term() != lastHandedOut.term()
        || !Objects.equals(current.votedFor(), lastHandedOut.votedFor());
    lastHandedOut = current;
    Ready r =
        new Ready(
            changed,
            log.takeUnstable(),
            effects.takeMessages(),
            log.takeCommitted(maxApplyBytes),
            effects.takeReadStates(),
            effects.takeFailedReads(),
            snapshotToInstall,
            termOrVoteChanged);
    snapshotToInstall = null;
    out = r;
    return r;
  }

  /**
   * {@code ready}, the Ready out, was carried out: its entries are in the store (so memory may let
   * them go), its snapshot and committed entries count as applied from now on.
   *
   * @throws IllegalStateException if {@code ready} is not the Ready out
   */
  void advance(Ready ready) {
    if (out == null) {
      throw new IllegalStateException(
          "advance() with no Ready out: each Ready from ready() is advanced once, after it is carried out");
    }
    if (ready != out) {
      throw new IllegalStateException("advance() given a Ready other than the one ready() handed out last");
    }
    out = null;
    List<LogEntry> persisted = ready.entries();
    if (!persisted.isEmpty()) {
      LogEntry last = persisted.get(persisted.size() - 1);
      log.persisted(last.index(), last.term());
    }
    if (ready.snapshot() != null) log.appliedTo(ready.snapshot().lastIndex());
    List<LogEntry> applied = ready.committedEntries();
    if (!applied.isEmpty()) log.appliedTo(applied.get(applied.size() - 1).index());
  }

  /**
   * Fails unless the last Ready was advanced.
   *
   * @param call what the runtime called, for the message
   */
  void requireNoneOut(String call) {
    if (out != null) {
      throw new IllegalStateException(call + " called while the last Ready is still out: carry it out"
          + " (persist and sync, send, apply) and call advance(ready) before asking for the next one");
    }
  }
}
