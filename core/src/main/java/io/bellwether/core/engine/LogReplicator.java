package io.bellwether.core.engine;

import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A leader's log replication (Raft §5.3) and commitment (§5.4.2): one {@link Progress} per follower,
 * AppendEntries sent as each follower is ready for more, the answers that move it, and the commit
 * index a majority's match indexes allow. A follower that needs compacted entries gets a snapshot
 * through {@link SnapshotSender}; replication resumes after it.
 *
 * <p>Separate from {@link ReadConfirmation}, the leader's other half, because the two share only the
 * heartbeat; and from {@link Leader}, which decides when heartbeats go out and when to step down. One
 * lives as long as one leadership.
 */
final class LogReplicator {

  private final String id;
  private final long term;
  private final RaftConfig config;
  private final Set<InjectedBug> planted;
  private final RaftLog log;
  private final Effects effects;
  private final SnapshotSender snapshots;

  /** Called each time the commit index rises, before anything is sent about it. */
  private final Runnable committed;

  /** Every other member's progress, voters and learners alike (thesis §4.2.1: learners get the log). */
  private final Map<String, Progress> progress = new TreeMap<>();

  /** Members removed by the newest configuration, and its index: replicated to until they hold it. */
  private final Map<String, Long> leaving = new TreeMap<>();

  /** The ticks clock, to tell when each member last answered. */
  private final LongSupplier now;

  LogReplicator(
      String id,
      long term,
      RaftConfig config,
      Set<InjectedBug> planted,
      RaftLog log,
      Effects effects,
      Supplier<Snapshot> latestSnapshot,
      Function<Snapshot, SnapshotData> exporter,
      LongSupplier now,
      Runnable committed) {
    this.id = id;
    this.term = term;
    this.config = config;
    this.now = now;
    this.planted = planted;
    this.log = log;
    this.effects = effects;
    this.committed = committed;
    this.snapshots =
        new SnapshotSender(id, term, config.maxAppendBytes(), effects, latestSnapshot, exporter);
    membershipChanged();
  }

  /**
   * The configuration in the log changed (this leader appended a configuration entry): replicate
   * to every member it names other than this leader, and to no one else.
   */
  void membershipChanged() {
    Membership members = log.membership();
    // A member just removed still gets the log up to the entry that removes it: once it holds that,
    // it knows it is out and never campaigns. Otherwise it would time out and ask for votes forever
    // (harmlessly, but for ever). Members removed by an earlier change are dropped now.
    progress.entrySet().removeIf(e -> {
      boolean gone = !members.contains(e.getKey()) && leaving.containsKey(e.getKey());
      if (gone) e.getValue().endTransfer();
      return gone;
    });
    leaving.clear();
    for (String peer : progress.keySet()) {
      if (!members.contains(peer)) leaving.put(peer, members.index());
    }
    for (Member m : members.members()) {
      if (!m.id().equals(id) && !progress.containsKey(m.id())) {
        progress.put(m.id(), new Progress(log.lastIndex() + 1, config.maxInflightAppends()));
      }
    }
  }

  /** A removed member that now holds the entry removing it needs nothing more from this leader. */
  private void dropIfLeft(String peer, Progress pr) {
    Long removedAt = leaving.get(peer);
    if (removedAt != null && pr.matchIndex() >= removedAt) {
      pr.endTransfer();
      progress.remove(peer);
      leaving.remove(peer);
    }
  }

  /**
   * Whether {@code peer} is a follower of this leader: a member other than itself, or one the newest
   * configuration removed that does not hold that configuration yet.
   */
  boolean replicatesTo(String peer) {
    return progress.containsKey(peer);
  }

  /** The nodes this leader replicates to: every member but itself, and those just removed. */
  Set<String> peers() {
    return progress.keySet();
  }

  /** Appends {@code entry} to our log and sends it to every follower ready for more. */
  void append(LogEntry entry) {
    log.append(entry);
    appended(entry);
  }

  /** {@code entry}, just appended to our log, goes to every follower ready for more. */
  void appended(LogEntry entry) {
    boolean config = entry.type() == EntryType.CONFIG;
    if (config) membershipChanged();
    // Otherwise only followers' answers move the commit index: with no other voter the leader's own
    // copy is a majority, and a new configuration may have changed what a majority is.
    if (config || soleVoter()) maybeCommit();
    for (String peer : progress.keySet()) sendAppendIfReady(peer);
  }

  private boolean soleVoter() {
    List<String> voters = log.membership().voters();
    return voters.size() == 1 && voters.get(0).equals(id);
  }

  /**
   * How far {@code peer} is behind this leader's log, or -1 when it is not a member this leader
   * replicates to, or has not answered for an election timeout (it may be gone).
   */
  long lag(String peer) {
    Progress pr = progress.get(peer);
    if (pr == null || now.getAsLong() - pr.heardAt() > config.electionTimeoutTicks()) return -1;
    return log.lastIndex() - pr.matchIndex();
  }

  /** The match index of {@code peer}; what a heartbeat to it may say is committed is capped by it. */
  long matchIndex(String peer) {
    return progress.get(peer).matchIndex();
  }

  /** Each follower's match index. */
  Map<String, Long> matchIndexes() {
    Map<String, Long> out = new TreeMap<>();
    progress.forEach((peer, p) -> out.put(peer, p.matchIndex()));
    return out;
  }

  /**
   * Whether a majority of the voters (this leader included, if it votes) answered anything since
   * the last call to {@link #forgetActivity}: check-quorum (thesis §6.2). Learners do not count.
   */
  boolean quorumRecentlyActive() {
    List<String> voters = log.membership().voters();
    int active = 0;
    for (String v : voters) {
      if (v.equals(id) || progress.get(v).recentlyActive()) active++;
    }
    return active >= Quorum.majority(voters.size());
  }

  /** The leadership is over: every snapshot transfer ends, releasing what its data holds open. */
  void endTransfers() {
    progress.values().forEach(Progress::endTransfer);
  }

  /** A check-quorum round ended: activity counts afresh. */
  void forgetActivity() {
    progress.values().forEach(Progress::forgetActivity);
  }

  void onAppendResponse(AppendEntriesResponse r) {
    Progress pr = progress.get(r.from());
    if (pr == null) return;
    pr.heardFrom(now.getAsLong());
    if (pr.state() == Progress.State.SNAPSHOT) return; // answers to appends sent before the snapshot
    if (r.success()) {
      if (pr.matched(r.matchIndex()) && maybeCommit()) {
        // Tell idle followers the new commit index now rather than at the next heartbeat.
        for (String peer : progress.keySet()) {
          Progress p = progress.get(peer);
          if (!p.hasInflight() && p.matchIndex() == log.lastIndex()) sendAppend(peer, true);
        }
      }
      sendAppendIfReady(r.from());
      dropIfLeft(r.from(), pr);
      return;
    }
    if (!pr.rejected(nextIndexAfterRejection(r))) return; // a stale rejection
    sendAppendIfReady(r.from());
  }

  /** Fast back-off (§5.3): skip the follower's whole conflicting term in one round trip. */
  private long nextIndexAfterRejection(AppendEntriesResponse r) {
    if (r.conflictTerm() > 0) {
      long last = log.lastIndexOfTerm(r.conflictTerm());
      if (last > 0) return last + 1;
    }
    return Math.max(1, r.conflictIndex());
  }

  /**
   * A follower answered a heartbeat. If nothing it was sent was answered since its last heartbeat
   * answer, a message or its answer was lost: a snapshot chunk is sent again, a stalled pipeline
   * probes again from what the follower holds.
   */
  void onHeartbeatResponse(HeartbeatResponse r) {
    Progress pr = progress.get(r.from());
    if (pr == null) return;
    pr.heardFrom(now.getAsLong());
    boolean progressed = pr.heartbeatAnswered();
    if (pr.state() == Progress.State.SNAPSHOT) {
      if (!progressed) snapshots.resend(r.from(), pr.snapshotTransfer());
    } else if (pr.matchIndex() < log.lastIndex()) {
      boolean stalled = pr.state() == Progress.State.REPLICATE && pr.hasInflight() && !progressed;
      if (pr.state() == Progress.State.PROBE || stalled) {
        // A lost message or answer left the follower behind; probe again from what it holds.
        pr.probe(Math.min(pr.nextIndex(), r.lastIndex() + 1));
      }
      sendAppendIfReady(r.from());
    }
  }

  void onSnapshotResponse(InstallSnapshotResponse r) {
    Progress pr = progress.get(r.from());
    if (pr == null) return;
    pr.heardFrom(now.getAsLong());
    SnapshotTransfer transfer = pr.snapshotTransfer();
    if (pr.state() != Progress.State.SNAPSHOT || !transfer.isFor(r.lastIndex())) return;
    pr.snapshotChunkAnswered();
    if (snapshots.onResponse(r, transfer)) {
      // The follower now holds everything up to the snapshot: replicate what follows it.
      pr.snapshotInstalled(r.lastIndex());
      maybeCommit();
      sendAppendIfReady(r.from());
    }
  }

  /** Sends {@code peer} the entries it lacks, unless a pipeline, probe or snapshot is in the way. */
  void sendAppendIfReady(String peer) {
    Progress pr = progress.get(peer);
    if (pr == null || pr.isPaused()) return;
    if (pr.state() == Progress.State.REPLICATE && pr.nextIndex() > log.lastIndex()) return;
    sendAppend(peer, pr.state() == Progress.State.PROBE);
  }

  private void sendAppend(String peer, boolean allowEmpty) {
    Progress pr = progress.get(peer);
    long prevIndex = pr.nextIndex() - 1;
    long prevTerm = log.term(prevIndex);
    if (prevTerm < 0) {
      // §7: the follower needs entries we compacted away; send the snapshot that replaced them.
      snapshots.start(peer, pr);
      return;
    }
    List<LogEntry> entries =
        pr.nextIndex() <= log.lastIndex()
            ? log.slice(pr.nextIndex(), log.lastIndex() + 1, config.maxAppendBytes())
            : List.of();
    if (entries.isEmpty() && !allowEmpty) return;
    effects.send(new AppendEntries(id, peer, term, prevIndex, prevTerm, entries, log.commitIndex()));
    pr.appendSent(prevIndex + entries.size());
  }

  /**
   * Advances the commit index to what a majority holds, if that entry is of our term (§5.4.2).
   *
   * @return whether it rose
   */
  boolean maybeCommit() {
    // Thesis §4.1: the newest configuration counts, committed or not; a leader that is not one of
    // its voters (it is removing itself) manages the cluster without counting itself.
    List<String> voters = log.membership().voters();
    if (voters.isEmpty()) return false;
    long[] matches = new long[voters.size()];
    int i = 0;
    for (String v : voters) {
      // The leader's own log counts as matched: it is synced before anything it commits is applied
      // or acknowledged, since both happen after the sync of the same Ready.
      matches[i++] = v.equals(id) ? log.lastIndex() : progress.get(v).matchIndex();
    }
    int needed = Quorum.majority(voters.size());
    if (planted.contains(InjectedBug.COMMIT_ON_MINORITY)) needed = Math.max(1, needed - 1);
    long candidate = Quorum.indexReachedBy(matches, needed);
    if (candidate <= log.commitIndex()) return false;
    if (log.term(candidate) != term && !planted.contains(InjectedBug.SKIP_CURRENT_TERM_COMMIT_RULE)) {
      return false; // §5.4.2: never commit an earlier term's entry by counting replicas
    }
    log.commitTo(candidate);
    committed.run();
    return true;
  }
}
