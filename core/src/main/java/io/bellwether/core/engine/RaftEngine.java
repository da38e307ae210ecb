package io.bellwether.core.engine;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The Raft consensus engine for one node: pure, single-threaded, deterministic.
 *
 * <p>It owns no thread, reads no clock and does no I/O. Time arrives as {@link #tick()}, messages as
 * {@link #step(Message)}, client work as {@link #propose(byte[])} and {@link #readIndex(long)}. What
 * the node must then do (persist, send, apply, answer reads) is collected and handed over by {@link
 * #ready()}; the runtime carries each {@link Ready} out and confirms it with {@link #advance} before
 * it asks for the next. Given the same inputs and the same random generator, it produces the same
 * outputs, which is what makes whole-cluster simulation from a seed possible.
 *
 * <p>This class is what a runtime sees: the inputs, the Ready handed out one at a time ({@link
 * ReadyHandout}), and the node's status. The protocol those inputs drive (term, vote, role and
 * their changes, each role's work) is {@link Roles} and the classes it delegates to.
 *
 * <p>Not thread-safe by design: exactly one thread (the node's runtime, or a simulator) drives it.
 */
public final class RaftEngine {

  private final String id;
  private final RaftConfig config;
  private final RaftLog log;

  /** Effects accumulated until the next ready(), shared with every part of the protocol. */
  private final Effects effects = new Effects();

  private final ReadyHandout handout;
  private final Roles roles;
  private final ClientRequests clients;
  private final MembershipChanges changes;

  /**
   * Builds an engine from what the node's store holds, for a cluster whose voters never changed
   * before: the bootstrap configuration is {@code voters}, with no endpoints.
   *
   * @param voters every voting member, this node included
   */
  public RaftEngine(
      String id,
      Set<String> voters,
      RaftConfig config,
      RandomGenerator random,
      HardState hardState,
      Snapshot snapshot,
      List<LogEntry> entries) {
    this(id, bootstrapWith(id, voters), config, random, hardState, snapshot, entries);
  }

  private static Membership bootstrapWith(String id, Set<String> voters) {
    if (!voters.contains(id)) throw new IllegalArgumentException("voters must include " + id);
    return Membership.ofVoters(voters);
  }

  /**
   * Builds an engine from what the node's store holds.
   *
   * <p>The configuration in effect is the newest in the stored log, else the snapshot's, else
   * {@code bootstrap}: the one the cluster was first started with (the same on every founding
   * node), or {@link Membership#EMPTY} for a node that joins a running cluster and waits to be
   * added. A node's own data therefore always wins over its start-up settings.
   *
   * @param bootstrap the configuration to use when the store holds none
   * <p>This engine keeps {@code entries}, and every entry appended later, in memory, however many:
   * it has no store to read them back from (tests, tools; the cache bounds of {@code config} do not
   * apply). A node built on a store uses the constructor that takes a {@link LogReader}.
   *
   * @param hardState the stored term, vote and commit index
   * @param snapshot the stored snapshot, or null
   * @param entries the stored entries after the snapshot
   * @param random the only source of randomness (election timeouts, forwarded-read batch ids)
   */
  public RaftEngine(
      String id,
      Membership bootstrap,
      RaftConfig config,
      RandomGenerator random,
      HardState hardState,
      Snapshot snapshot,
      List<LogEntry> entries) {
    this(id, bootstrap, config, random, hardState, snapshot, entries, SnapshotPorts.IN_HEAP);
  }

  /**
   * Builds an engine from what the node's store holds, as {@link #RaftEngine(String, Membership,
   * RaftConfig, RandomGenerator, HardState, Snapshot, List) above}, reading the snapshots it sends
   * and writing those it receives through {@code snapshotPorts} (the state machine's, in a real
   * node), rather than in the heap.
   */
  public RaftEngine(
      String id,
      Membership bootstrap,
      RaftConfig config,
      RandomGenerator random,
      HardState hardState,
      Snapshot snapshot,
      List<LogEntry> entries,
      SnapshotPorts snapshotPorts) {
    this(id, config, random, hardState, snapshot, snapshotPorts, new RaftLog(snapshotIndex(snapshot),
        snapshotTerm(snapshot), base(bootstrap, snapshot), Objects.requireNonNull(entries, "entries")));
  }

  /**
   * Builds an engine from what the node's store holds, reading the stored log through {@code
   * stored} rather than taking it whole: it reads it once, in batches, for its configuration entries
   * and the newest entries, and keeps in memory only those within {@link
   * RaftConfig#maxCachedEntries()} and {@link RaftConfig#maxCachedBytes()} (with every entry it has
   * not yet handed out for persisting); later it reads older entries back through {@code stored}
   * when it needs them. This is how a node whose log is far longer than its heap starts.
   *
   * @param bootstrap the configuration to use when the store holds none (see above)
   * @param stored the stored log after the snapshot, from index {@code snapshot.lastIndex() + 1}
   *     (or 1) to {@code storedLastIndex}; the engine reads only entries it knows the store holds
   * @param storedLastIndex the stored log's last index (the snapshot's index when nothing follows)
   * @param snapshotPorts as above; {@link SnapshotPorts#IN_HEAP} keeps snapshots in the heap
   * @throws IllegalArgumentException if the stored log has a gap
   */
  public RaftEngine(
      String id,
      Membership bootstrap,
      RaftConfig config,
      RandomGenerator random,
      HardState hardState,
      Snapshot snapshot,
      LogReader stored,
      long storedLastIndex,
      SnapshotPorts snapshotPorts) {
    this(id, config, random, hardState, snapshot, snapshotPorts, new RaftLog(snapshotIndex(snapshot),
        snapshotTerm(snapshot), base(bootstrap, snapshot), Objects.requireNonNull(stored, "stored"),
        storedLastIndex, config.maxCachedEntries(), config.maxCachedBytes()));
  }

  private static long snapshotIndex(Snapshot snapshot) {
    return snapshot == null ? 0 : snapshot.lastIndex();
  }

  private static long snapshotTerm(Snapshot snapshot) {
    return snapshot == null ? 0 : snapshot.lastTerm();
  }

  private static Membership base(Membership bootstrap, Snapshot snapshot) {
    Objects.requireNonNull(bootstrap, "bootstrap");
    return snapshot == null || snapshot.membership() == null ? bootstrap : snapshot.membership();
  }

  private RaftEngine(String id, RaftConfig config, RandomGenerator random, HardState hardState,
      Snapshot snapshot, SnapshotPorts snapshotPorts, RaftLog log) {
    Objects.requireNonNull(snapshotPorts, "snapshotPorts");
    this.id = Objects.requireNonNull(id, "id");
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(random, "random");
    this.log = log;
    this.handout = new ReadyHandout(log, effects, config.maxApplyBytes(), hardState);
    this.roles = new Roles(this.id, config, random, log, effects, hardState, snapshot,
        handout::snapshotInstalled, snapshotPorts);
    this.clients = new ClientRequests(this.id, roles, log, config, effects);
    this.changes = new MembershipChanges(this.id, roles, log);
  }

  /**
   * Test kit only (same package): switches on deliberate bugs; call before the first input. No
   * configuration, setting or public API can reach this.
   */
  void plant(Set<InjectedBug> bugs) {
    roles.plant(bugs);
    changes.plant(bugs);
    if (bugs.contains(InjectedBug.CONFIG_ON_COMMIT)) log.plantConfigOnCommit();
  }

  // ---------------------------------------------------------------- inputs

  /** One unit of logical time has passed. */
  public void tick() {
    roles.tick();
  }

  /**
   * The transport lost, or could not open, its connection to {@code peer}: a hint that the peer's
   * process is gone. The host of a crashed process closes its sockets at once; a crashed host, a
   * frozen process or a partition gives no such hint, and the timers alone decide, as before.
   *
   * <p>If the peer is this follower's leader, its election timer is staggered by rank ({@link
   * ElectionTimer#leaderUnreachable}): only <em>when</em> it asks changes, never who may vote. A
   * false alarm is cancelled by the leader's next message. If this node leads and is handing its
   * leadership to the peer, the transfer is given up at once.
   */
  public void peerUnreachable(String peer) {
    roles.peerUnreachable(peer);
  }

  /**
   * Handles a message from a peer. Messages for another node are ignored; so are stale ones, except
   * that a stale leader is told the newer term so it steps down.
   */
  public void step(Message m) {
    roles.step(m);
  }

  /**
   * Proposes a command. Only the leader accepts; the entry is committed later, when a majority holds
   * it (watch {@link Ready#committedEntries()} for its index and term).
   *
   * @return the log index the command was given
   * @throws RequestFailedException NOT_LEADER / NO_LEADER when not leader or while it hands its
   *     leadership over, OVERLOADED when too many entries are uncommitted; in every case the command
   *     was not appended
   */
  public long propose(byte[] command) {
    return clients.propose(command);
  }

  /**
   * Hands the leadership to {@code target}, another voter (thesis §3.10): this leader stops taking
   * proposals, brings the target's log up to date, gives up its lease and tells the target to
   * campaign at once. It ends when this node steps down (the target, or someone, won a higher term),
   * or is given up after an election timeout; {@link #transferee()} tells which target is pending.
   * Asking again for the same target changes nothing; for the leader itself, nothing happens.
   *
   * @throws RequestFailedException NOT_LEADER / NO_LEADER when this node does not lead
   * @throws IllegalArgumentException when {@code target} is not a voter
   */
  public void transferLeadership(String target) {
    clients.transferLeadership(target);
  }

  // ---------------------------------------------------------------- membership (thesis §4)

  /**
   * Adds {@code member} as a learner (it receives the log but does not vote): appends a
   * configuration entry, which takes effect at once; the change is done when that index commits.
   * The same member at the same endpoints again appends nothing.
   *
   * @return the index of the configuration entry that adds it (the existing one for a repeat)
   * @throws RequestFailedException NOT_LEADER / NO_LEADER off a leader or during a transfer;
   *     CONFLICT when another node is a member under that id; CHANGE_IN_PROGRESS while the previous
   *     change is not committed, or before this leader committed an entry of its term
   */
  public long addLearner(Member member) {
    return changes.addLearner(member);
  }

  /**
   * Makes learner {@code memberId} a voter, if it answered within an election timeout and is at most
   * {@code maxLagEntries} behind this leader's log (thesis §4.2.1: a voter that cannot keep up would
   * stall commitment). A voter already: appends nothing.
   *
   * @return the index of the configuration entry that makes it a voter
   * @throws RequestFailedException as {@link #addLearner}, and NOT_A_MEMBER, or NOT_CAUGHT_UP with
   *     its lag
   */
  public long promote(String memberId, long maxLagEntries) {
    return changes.promote(memberId, maxLagEntries);
  }

  /**
   * Removes member {@code memberId}, learner or voter. A leader that removes itself goes on leading
   * until the change commits, then steps down (thesis §4.2.2).
   *
   * @return the index of the configuration entry that removes it
   * @throws RequestFailedException as {@link #addLearner}, and NOT_A_MEMBER, or LAST_VOTER
   */
  public long removeMember(String memberId) {
    return changes.remove(memberId);
  }

  /** The configuration in effect: the newest in the log, committed or not. */
  public Membership membership() {
    return log.membership();
  }

  /** The configuration in effect once the entry at {@code index} is applied (what a snapshot carries). */
  public Membership membershipAt(long index) {
    return log.membershipAt(index);
  }

  /** Whether the newest configuration is not committed yet. */
  public boolean membershipChangePending() {
    return log.membershipChangePending();
  }

  /**
   * Leader only: how many entries {@code memberId} is behind this leader's log, or -1 when this node
   * does not lead, {@code memberId} is not another member, or it has not answered within an
   * election timeout.
   */
  public long lag(String memberId) {
    Leader leader = roles.leader();
    return leader == null ? -1 : leader.lag(memberId);
  }

  /** The voter this leader is handing its leadership to, or null (always null off a leader). */
  public String transferee() {
    Leader leader = roles.leader();
    return leader == null ? null : leader.transferee();
  }

  /**
   * Asks for a linearizable read (ReadIndex, thesis §6.4). The answer comes later through {@link
   * Ready#readStates()} (serve once applied up to its index) or {@link Ready#failedReads()}. On a
   * follower the request is forwarded to the leader.
   */
  public void readIndex(long requestId) {
    clients.readIndex(requestId);
  }

  /**
   * Asks for a read under the leader's lease (thesis §6.4.1): on a leader whose lease holds, the read
   * is safe at once at the current commit index, with no round trip. Anywhere else, or when the lease
   * cannot be confirmed, it falls back to {@link #readIndex}, which is never weaker.
   */
  public void leaseRead(long requestId) {
    clients.leaseRead(requestId);
  }

  // ---------------------------------------------------------------- output

  /**
   * Whether {@link #ready()} has anything to hand out.
   *
   * @throws IllegalStateException if the last Ready handed out was not yet {@link #advance advanced}
   */
  public boolean hasReady() {
    handout.requireNoneOut("hasReady()");
    return clients.hasReadsToSend() || handout.hasReady(roles.hardState());
  }

  /**
   * Hands over the effects accumulated since the last call, and forgets them: the caller must carry
   * them out, in {@link Ready}'s order, then call {@link #advance} with it, before it asks for the
   * next one.
   *
   * @throws IllegalStateException if the last Ready handed out was not yet {@link #advance advanced}
   */
  public Ready ready() {
    handout.requireNoneOut("ready()");
    clients.sendReads(); // one heartbeat round, or one forwarded request, for all reads just queued
    return handout.next(roles.hardState());
  }

  /**
   * The runtime has carried out {@code ready}, the Ready last handed out: persisted and synced it,
   * sent its messages, restored its snapshot and applied its committed entries. Only now do those
   * entries count as applied ({@link #appliedIndex()}), which is what a local snapshot may cover.
   *
   * @throws IllegalStateException if {@code ready} is not the Ready last handed out, or was advanced
   *     already
   */
  public void advance(Ready ready) {
    handout.advance(ready);
    roles.readyCarriedOut();
  }

  // ---------------------------------------------------------------- snapshots (§7)

  /**
   * The runtime took and saved {@code snapshot} of the state after applying {@code
   * snapshot.lastIndex()}. The engine keeps it to send to followers that fall behind the log, and
   * compacts its log, keeping the last {@code keepTailEntries} entries the snapshot covers so
   * followers slightly behind still catch up by plain appends.
   *
   * @return the index up to which the log was compacted (the store should compact the same), or 0
   */
  public long snapshotTaken(Snapshot snapshot, long keepTailEntries) {
    // First: a snapshot installed from the leader may have overtaken this one and replaced the log
    // it was taken from; it is then simply not needed (the runtime's writer runs in the background).
    Snapshot latest = roles.latestSnapshot();
    if (latest != null && latest.lastIndex() >= snapshot.lastIndex()) return 0;
    // The applied index, not the applying one: entries handed out but not yet advanced may not be in
    // the state machine the snapshot was taken from.
    if (snapshot.lastIndex() > log.appliedIndex() || log.term(snapshot.lastIndex()) != snapshot.lastTerm()) {
      throw new IllegalArgumentException(
          "snapshot " + snapshot + " does not match the applied log (applied " + log.appliedIndex() + ")");
    }
    roles.snapshotTaken(snapshot);
    long compactTo = snapshot.lastIndex() - keepTailEntries;
    if (compactTo <= log.snapshotIndex()) return 0;
    log.compact(compactTo);
    return compactTo;
  }

  /**
   * The node stops: every snapshot transfer in progress ends, both ways. The sink of a snapshot being
   * received is aborted, the data of those being sent is closed. Call it once the engine is driven
   * no more, on the thread that drove it.
   */
  public void endSnapshotTransfers() {
    roles.endSnapshotTransfers();
  }

  /** Index of the newest snapshot this node holds, or 0. */
  public long snapshotIndex() {
    Snapshot latest = roles.latestSnapshot();
    return latest == null ? 0 : latest.lastIndex();
  }

  // ---------------------------------------------------------------- status

  public String id() {
    return id;
  }

  /** Ticks this engine has been given since it was created: its own clock. */
  public long ticks() {
    return roles.now();
  }

  /** Ticks without word from a leader after which this node starts an election (tests). */
  int currentElectionTimeout() {
    return roles.electionTimer().timeout();
  }

  public Role role() {
    return roles.role();
  }

  /** This node's elections and step-downs, with their causes: counts a runtime compares between batches. */
  public Elections elections() {
    return roles.elections();
  }

  public long term() {
    return roles.term();
  }

  /** The leader of the current term as far as this node knows, or null. */
  public String leaderId() {
    return roles.leaderId();
  }

  public String votedFor() {
    return roles.votedFor();
  }

  public long commitIndex() {
    return log.commitIndex();
  }

  /** Index of the last committed entry the runtime has applied (its Ready was advanced). */
  public long appliedIndex() {
    return log.appliedIndex();
  }

  /** Index of the last committed entry handed out for applying, applied or not yet. */
  public long applyingIndex() {
    return log.applyingIndex();
  }

  public long lastIndex() {
    return log.lastIndex();
  }

  public long lastTerm() {
    return log.lastTerm();
  }

  public long firstIndex() {
    return log.firstIndex();
  }

  /** Term of the entry at {@code index}, 0 for index 0, -1 when not held. */
  public long termAt(long index) {
    return log.term(index);
  }

  /**
   * The entry at {@code index}, read back from the store if memory no longer holds it; for invariant
   * checks and tests.
   */
  public LogEntry entryAt(long index) {
    return log.entry(index);
  }

  /**
   * Bytes ({@link LogEntry#sizeBytes()}) of the log entries this engine holds in memory: at most
   * {@link RaftConfig#maxCachedBytes()}, plus entries not yet persisted and the last entry.
   */
  public long cachedLogBytes() {
    return log.cachedBytes();
  }

  /** The voters of the configuration in effect, sorted. */
  public List<String> voters() {
    return log.membership().voters();
  }

  /**
   * Whether this node leads and would answer a lease read now at once, with no round trip: while it
   * does, no other node can become leader (the lease's promise, which the simulation checks).
   */
  public boolean servesLeaseReads() {
    Leader leader = roles.leader();
    return leader != null && leader.servesLeaseReads();
  }

  /**
   * Follower only: the tick and election timeout the current leader announced in its last
   * heartbeat, or null (not a follower, no leader known, or no heartbeat from it yet). Compare with
   * {@code config().leaseTiming()} to report a mismatch.
   */
  public LeaseTiming leaderTiming() {
    return roles.isFollowing() ? roles.follower().timingOf(roles.leaderId()) : null;
  }

  /**
   * Whether this node's acknowledgement may back the lease of a leader with {@code leaderTiming}
   * (its answer in {@link HeartbeatResponse#promiseCoversLease()}): it refuses votes while it hears
   * from a leader only with check-quorum on, and then for {@code electionTimeout − 1} of its ticks
   * at least, which must be no shorter than the leader assumes ({@link LeaseTiming#covers}).
   * Otherwise the leader must not count it toward its lease.
   */
  public boolean promiseCoversLease(LeaseTiming leaderTiming) {
    return roles.follower().promiseCoversLease(leaderTiming);
  }

  /**
   * Leader only: followers whose last heartbeat answer said their vote-refusal promise is shorter
   * than this leader's lease assumes (their acknowledgements do not extend the lease, so lease reads
   * fall back to ReadIndex unless a majority without them backs it); else empty.
   */
  public Set<String> followersShortOfLease() {
    Leader leader = roles.leader();
    return leader == null ? Set.of() : leader.followersShortOfLease();
  }

  /** Leader only: the replication state of each follower (match index), else empty. */
  public Map<String, Long> matchIndexes() {
    Leader leader = roles.leader();
    return leader == null ? Map.of() : leader.matchIndexes();
  }

  public RaftConfig config() {
    return config;
  }
}
