package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

// Goal: a leader commits what a majority holds only in its own term (§5.4.2), backs off a rejecting
// follower by whole terms, tells idle followers of a commit at once, probes again when a pipeline
// stalls, and sends a snapshot to a follower behind the compacted log, replicating on after it.
// Method: one LogReplicator for leader n1 of {n1, n2, n3}; the test plays the followers' answers.
class LogReplicatorTest {

  private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
  private static final List<String> VOTERS = List.of("n1", "n2", "n3");

  private final Effects effects = new Effects();
  private final List<Long> commits = new ArrayList<>();
  private RaftLog log;
  private Snapshot snapshot;
  private LogReplicator replicator;

  /** A leader of {@code term} over {@code log}. */
  private void lead(long term, RaftLog raftLog) {
    log = raftLog;
    replicator = new LogReplicator("n1", term, CONFIG, Set.of(), log,
        effects, () -> snapshot, SnapshotPorts.IN_HEAP.exporter(), () -> 0, () -> commits.add(log.commitIndex()));
  }

  private static List<LogEntry> terms(long... terms) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) out.add(LogEntry.command(terms[i], i + 1, new byte[0]));
    return out;
  }

  private List<AppendEntries> appendsTo(String peer) {
    List<AppendEntries> out = new ArrayList<>();
    for (Message m : effects.takeMessages()) {
      if (m instanceof AppendEntries ae && ae.to().equals(peer)) out.add(ae);
    }
    return out;
  }

  private static AppendEntriesResponse ok(String from, long term, long match) {
    return new AppendEntriesResponse(from, "n1", term, true, match, 0, 0);
  }

  @Test
  void commitsOnlyAnEntryOfItsOwnTermThatAMajorityHolds() {
    lead(2, new RaftLog(0, 0, Membership.ofVoters(VOTERS), terms(1)));
    replicator.append(LogEntry.noop(2, 2));
    effects.takeMessages();
    replicator.onAppendResponse(ok("n2", 2, 1));
    assertThat(log.commitIndex()).as("index 1 is of term 1: not by counting").isZero();
    replicator.onAppendResponse(ok("n2", 2, 2));
    assertThat(log.commitIndex()).isEqualTo(2);
    assertThat(commits).containsExactly(2L);
  }

  @Test
  void idleFollowersHearOfANewCommitAtOnce() {
    lead(1, new RaftLog(0, 0, Membership.ofVoters(VOTERS), terms(1)));
    replicator.onAppendResponse(ok("n2", 1, 1));
    replicator.onAppendResponse(ok("n3", 1, 1));
    replicator.append(LogEntry.command(1, 2, new byte[0]));
    effects.takeMessages();
    replicator.onAppendResponse(ok("n2", 1, 2)); // commits 2; n3's append is still out
    assertThat(log.commitIndex()).isEqualTo(2);
    assertThat(appendsTo("n2")).singleElement().satisfies(ae -> {
      assertThat(ae.entries()).isEmpty();
      assertThat(ae.leaderCommit()).isEqualTo(2);
    });
  }

  @Test
  void aRejectionBacksOffPastTheFollowersWholeConflictingTerm() {
    lead(3, new RaftLog(0, 0, Membership.ofVoters(VOTERS), terms(1, 1, 2, 2)));
    replicator.append(LogEntry.noop(3, 5));
    assertThat(appendsTo("n2")).singleElement().satisfies(ae -> assertThat(ae.prevLogIndex()).isEqualTo(4));
    // n2 holds term 1 up to index 3 where we hold term 2: skip straight to after our last term-1 entry.
    replicator.onAppendResponse(new AppendEntriesResponse("n2", "n1", 3, false, 0, 3, 1));
    assertThat(appendsTo("n2")).singleElement().satisfies(ae -> assertThat(ae.prevLogIndex()).isEqualTo(2));
    // A follower whose log is too short says where it ends (no conflicting term).
    replicator.onAppendResponse(new AppendEntriesResponse("n3", "n1", 3, false, 0, 2, 0));
    assertThat(appendsTo("n3")).singleElement().satisfies(ae -> assertThat(ae.prevLogIndex()).isEqualTo(1));
  }

  @Test
  void aStalledPipelineProbesAgainFromWhatTheFollowerHolds() {
    lead(1, new RaftLog(0, 0, Membership.ofVoters(VOTERS), terms(1)));
    replicator.onAppendResponse(ok("n2", 1, 1)); // replicating
    HeartbeatResponse heartbeatAnswer = new HeartbeatResponse("n2", "n1", 1, 1, 1, true);
    replicator.onHeartbeatResponse(heartbeatAnswer); // it moved since the last one: all is well
    replicator.append(LogEntry.command(1, 2, new byte[0]));
    replicator.append(LogEntry.command(1, 3, new byte[0]));
    effects.takeMessages(); // both appends to n2 are lost
    replicator.onHeartbeatResponse(heartbeatAnswer);
    assertThat(appendsTo("n2")).singleElement().satisfies(ae -> {
      assertThat(ae.prevLogIndex()).isEqualTo(1);
      assertThat(ae.entries()).extracting(LogEntry::index).containsExactly(2L, 3L);
    });
  }

  @Test
  void aFollowerBehindTheCompactedLogGetsTheSnapshotThenTheEntriesAfterIt() {
    snapshot = new Snapshot(10, 1, new byte[] {1, 2, 3});
    List<LogEntry> tail = List.of(LogEntry.command(1, 11, new byte[0]), LogEntry.noop(2, 12));
    lead(2, new RaftLog(10, 1, Membership.ofVoters(VOTERS), tail));
    effects.takeMessages();
    replicator.onAppendResponse(new AppendEntriesResponse("n2", "n1", 2, false, 0, 3, 0));
    List<Message> sent = effects.takeMessages();
    assertThat(sent).singleElement().isInstanceOfSatisfying(InstallSnapshot.class, is -> {
      assertThat(is.lastIndex()).isEqualTo(10);
      assertThat(is.offset()).isZero();
    });
    replicator.onSnapshotResponse(new InstallSnapshotResponse("n2", "n1", 2, 10, 3, true));
    assertThat(replicator.matchIndexes()).containsEntry("n2", 10L);
    assertThat(appendsTo("n2")).singleElement().satisfies(ae -> {
      assertThat(ae.prevLogIndex()).isEqualTo(10);
      assertThat(ae.entries()).extracting(LogEntry::index).containsExactly(11L, 12L);
    });
  }

  @Test
  void checkQuorumCountsFollowersHeardFromSinceTheLastRound() {
    lead(1, new RaftLog(0, 0, Membership.ofVoters(VOTERS), terms(1)));
    assertThat(replicator.quorumRecentlyActive()).isFalse();
    replicator.onAppendResponse(ok("n3", 1, 1));
    assertThat(replicator.quorumRecentlyActive()).isTrue();
    replicator.forgetActivity();
    assertThat(replicator.quorumRecentlyActive()).isFalse();
  }
}
