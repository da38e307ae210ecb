package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

// Goal: each rule of the Raft paper (and the thesis extensions we enable) holds in the engine alone.
// Method: feed one engine, or a small synchronous EngineNet, messages and ticks; assert on its effects.
class RaftEngineTest {

  /** Pinned, not the defaults: the scenarios count ticks of a 10-tick election timeout and a heartbeat every 2. */
  private static final RaftConfig CONFIG = RaftConfig.DEFAULT.withElectionTimeoutTicks(10).withHeartbeatIntervalTicks(2);
  private static final Set<String> THREE = Set.of("n1", "n2", "n3");

  /** An engine restored from the given state, past its start-up quiet period (see below). */
  private static RaftEngine engine(String id, HardState hs, List<LogEntry> log) {
    RaftEngine e = new RaftEngine(id, THREE, CONFIG, new SplittableRandom(1), hs, null, log);
    for (int i = 0; i < CONFIG.electionTimeoutTicks(); i++) e.tick();
    ready(e);
    return e;
  }

  private static List<LogEntry> entries(long... terms) {
    LogEntry[] out = new LogEntry[terms.length];
    for (int i = 0; i < terms.length; i++) out[i] = LogEntry.command(terms[i], i + 1, new byte[] {(byte) i});
    return List.of(out);
  }

  /** The engine's next Ready, carried out at once (advanced): these tests only look at it. */
  private static Ready ready(RaftEngine e) {
    return EngineNet.readyAndAdvance(e);
  }

  private static List<Message> messages(RaftEngine e) {
    return ready(e).messages();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void followerStartsPreVoteAfterElectionTimeoutWithoutRaisingTerm() {
    RaftEngine e = new RaftEngine("n1", THREE, CONFIG, new SplittableRandom(1), HardState.INITIAL, null, List.of());
    for (int i = 0; i < 2 * CONFIG.electionTimeoutTicks() && e.role() == Role.FOLLOWER; i++) e.tick();
    assertThat(e.role()).isEqualTo(Role.PRE_CANDIDATE);
    assertThat(e.term()).isZero();
    assertThat(messages(e))
        .hasSize(2)
        .allSatisfy(m -> assertThat(m).isInstanceOfSatisfying(RequestVote.class, rv -> {
          assertThat(rv.preVote()).isTrue();
          assertThat(rv.term()).isEqualTo(1);
        }));
  }

  @Test
  void candidateWinningMajorityBecomesLeaderAndAppendsAnEntryOfItsTerm() {
    EngineNet net = EngineNet.of(3, CONFIG, 7);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    assertThat(leader.role()).isEqualTo(Role.LEADER);
    assertThat(leader.term()).isEqualTo(1);
    // The first leader's term-start entry is the bootstrap configuration; later leaders' a no-op.
    assertThat(leader.entryAt(1).type()).isEqualTo(io.bellwether.core.EntryType.CONFIG);
    assertThat(leader.entryAt(1).term()).isEqualTo(1);
    assertThat(leader.commitIndex()).isEqualTo(1);
    assertThat(net.get("n2").leaderId()).isEqualTo("n1");
  }

  @Test
  void voterGrantsAtMostOneVotePerTerm() {
    // §5.2: "each server will vote for at most one candidate in a given term".
    RaftEngine voter = engine("n3", new HardState(1, null, 0), List.of());
    voter.step(new RequestVote("n1", "n3", 2, 0, 0, false));
    voter.step(new RequestVote("n2", "n3", 2, 0, 0, false));
    List<Message> out = messages(voter);
    assertThat(out).containsExactly(
        new RequestVoteResponse("n3", "n1", 2, true, false),
        new RequestVoteResponse("n3", "n2", 2, false, false));
    assertThat(voter.votedFor()).isEqualTo("n1");
  }

  @Test
  void voteIsPersistedBeforeTheGrantIsSent() {
    RaftEngine voter = engine("n3", HardState.INITIAL, List.of());
    voter.step(new RequestVote("n1", "n3", 1, 0, 0, false));
    Ready r = ready(voter);
    assertThat(r.hardState()).isEqualTo(new HardState(1, "n1", 0));
    assertThat(r.mustSync()).isTrue();
  }

  @Test
  void aNewCommitIndexAloneIsHandedOutButNeedNotBeSynced() {
    // The commit index is volatile (Figure 2) and not trusted after a restart: a follower learning
    // it from a heartbeat-like append records it without an fsync of its own.
    RaftEngine follower = engine("n2", new HardState(1, null, 0), entries(1, 1));
    follower.step(new AppendEntries("n1", "n2", 1, 2, 1, List.of(), 2));
    Ready r = ready(follower);
    assertThat(r.hardState()).isEqualTo(new HardState(1, null, 2));
    assertThat(r.committedEntries()).hasSize(2);
    assertThat(r.mustSync()).isFalse();
    // The same commit index arriving with a new entry is synced for the entry.
    follower.step(new AppendEntries("n1", "n2", 1, 2, 1, List.of(LogEntry.command(1, 3, new byte[] {3})), 3));
    assertThat(ready(follower).mustSync()).isTrue();
    // And a new term always is, before the acknowledgement that carries it leaves.
    follower.step(new AppendEntries("n3", "n2", 2, 3, 1, List.of(), 3));
    Ready newTerm = ready(follower);
    assertThat(newTerm.hardState().term()).isEqualTo(2);
    assertThat(newTerm.mustSync()).isTrue();
  }

  @Test
  void voterRejectsCandidateWhoseLogIsLessUpToDate() {
    // §5.4.1: compare last terms, then lengths.
    RaftEngine voter = engine("n3", new HardState(2, null, 0), entries(1, 2));
    voter.step(new RequestVote("n1", "n3", 3, 5, 1, false)); // longer but older last term
    voter.step(new RequestVote("n2", "n3", 3, 1, 2, false)); // same last term, shorter
    assertThat(messages(voter))
        .extracting(m -> ((RequestVoteResponse) m).voteGranted())
        .containsExactly(false, false);
    assertThat(voter.votedFor()).isNull();
  }

  @Test
  void staleTermRequestsAreRejectedWithTheCurrentTerm() {
    // §5.1: a request with a stale term is rejected; the answer tells the sender the newer term.
    RaftEngine f = engine("n2", new HardState(5, null, 0), List.of());
    f.step(new AppendEntries("n1", "n2", 3, 0, 0, List.of(), 0));
    assertThat(messages(f))
        .containsExactly(new AppendEntriesResponse("n2", "n1", 5, false, 0, 0, 0));
    assertThat(f.leaderId()).isNull();
  }

  @Test
  void leaderStepsDownOnHigherTerm() {
    EngineNet net = EngineNet.of(3, CONFIG, 11);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    leader.step(new HeartbeatResponse("n2", "n1", 9, 0, 0, true));
    assertThat(leader.role()).isEqualTo(Role.FOLLOWER);
    assertThat(leader.term()).isEqualTo(9);
  }

  @Test
  void consistencyCheckRejectsAndHintsTheConflictingTerm() {
    // §5.3: reject when the log has no entry at prevLogIndex with prevLogTerm; the hint names the
    // follower's term there and the first index of that term.
    RaftEngine f = engine("n2", new HardState(3, null, 0), entries(1, 2, 2, 2));
    f.step(new AppendEntries("n1", "n2", 3, 4, 3, List.of(), 0));
    assertThat(messages(f))
        .containsExactly(new AppendEntriesResponse("n2", "n1", 3, false, 0, 2, 2));

    RaftEngine shorter = engine("n3", new HardState(3, null, 0), entries(1));
    shorter.step(new AppendEntries("n1", "n3", 3, 4, 3, List.of(), 0));
    assertThat(messages(shorter))
        .containsExactly(new AppendEntriesResponse("n3", "n1", 3, false, 0, 2, 0));
  }

  @Test
  void conflictingSuffixIsTruncatedAndReplaced() {
    // §5.3: "if an existing entry conflicts with a new one, delete it and all that follow it".
    RaftEngine f = engine("n2", new HardState(2, null, 1), entries(1, 2, 2));
    LogEntry replacement = LogEntry.command(3, 2, bytes("new"));
    f.step(new AppendEntries("n1", "n2", 3, 1, 1, List.of(replacement), 2));
    Ready r = ready(f);
    assertThat(f.lastIndex()).isEqualTo(2);
    assertThat(f.entryAt(2)).isEqualTo(replacement);
    assertThat(r.entries()).containsExactly(replacement); // the store truncates from index 2
    assertThat(f.commitIndex()).isEqualTo(2);
    assertThat(r.messages())
        .containsExactly(new AppendEntriesResponse("n2", "n1", 3, true, 2, 0, 0));
  }

  @Test
  void duplicateAppendDoesNotTruncateMatchingEntries() {
    // Log Matching: entries already held with the same term are kept, even if a stale append repeats a prefix.
    RaftEngine f = engine("n2", new HardState(1, null, 0), entries(1, 1, 1));
    f.step(new AppendEntries("n1", "n2", 1, 0, 0, entries(1), 0));
    assertThat(f.lastIndex()).isEqualTo(3);
  }

  @Test
  void leaderNeverCommitsAnEarlierTermEntryByCountingReplicas() {
    // §5.4.2 (Figure 8): an entry of term 1, replicated on a majority by a leader of term 2, is not
    // committed until an entry of term 2 is.
    RaftEngine leader = engine("n1", new HardState(1, "n1", 0), entries(1));
    leader.step(new RequestVote("n2", "n1", 1, 0, 0, false)); // nothing; just keep it a follower
    ready(leader);
    // Make n1 leader of term 2 by hand: campaign and collect votes.
    for (int i = 0; i < 2 * CONFIG.electionTimeoutTicks() && leader.role() == Role.FOLLOWER; i++) leader.tick();
    ready(leader);
    leader.step(new RequestVoteResponse("n2", "n1", 2, true, true));
    ready(leader);
    leader.step(new RequestVoteResponse("n2", "n1", 2, true, false));
    assertThat(leader.role()).isEqualTo(Role.LEADER);
    assertThat(leader.term()).isEqualTo(2);
    ready(leader);
    // n2 acknowledges index 1 (the term-1 entry) only: a majority holds it, but it is not of term 2.
    leader.step(new AppendEntriesResponse("n2", "n1", 2, true, 1, 0, 0));
    assertThat(leader.commitIndex()).isZero();
    // Once the term-2 no-op at index 2 is on a majority, both commit.
    leader.step(new AppendEntriesResponse("n2", "n1", 2, true, 2, 0, 0));
    assertThat(leader.commitIndex()).isEqualTo(2);
  }

  @Test
  void commitIndexReachesFollowersAndEntriesAreAppliedInOrder() {
    EngineNet net = EngineNet.of(3, CONFIG, 3);
    net.campaign("n1");
    net.get("n1").propose(bytes("a"));
    net.get("n1").propose(bytes("b"));
    net.stabilize();
    net.tickAll(CONFIG.heartbeatIntervalTicks());
    for (String id : List.of("n1", "n2", "n3")) {
      assertThat(net.get(id).commitIndex()).as(id).isEqualTo(3);
      assertThat(net.applied.get(id)).extracting(LogEntry::index).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void proposalToFollowerIsRejectedNamingTheLeader() {
    EngineNet net = EngineNet.of(3, CONFIG, 5);
    net.campaign("n1");
    assertThatThrownBy(() -> net.get("n2").propose(bytes("x")))
        .isInstanceOfSatisfying(RequestFailedException.class, e -> {
          assertThat(e.reason()).isEqualTo(RequestFailedException.Reason.NOT_LEADER);
          assertThat(e.leaderHint()).isEqualTo("n1");
        });
  }

  @Test
  void leaderRejectsProposalsBeyondTheUncommittedBound() {
    RaftConfig small = CONFIG.withMaxUncommittedEntries(3);
    EngineNet net = EngineNet.of(3, small, 5);
    net.campaign("n1");
    net.isolate("n1");
    RaftEngine leader = net.get("n1");
    leader.propose(bytes("1"));
    leader.propose(bytes("2"));
    leader.propose(bytes("3"));
    assertThatThrownBy(() -> leader.propose(bytes("4")))
        .isInstanceOfSatisfying(RequestFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(RequestFailedException.Reason.OVERLOADED));
  }

  @Test
  void preVoteFromARejoiningNodeDoesNotDisruptAHealthyLeader() {
    // Thesis §9.6: a node partitioned away keeps timing out but, with pre-vote, never raises its term,
    // so when it returns the leader keeps its term and leadership.
    EngineNet net = EngineNet.of(3, CONFIG, 9);
    net.campaign("n1");
    long term = net.get("n1").term();
    net.isolate("n3");
    for (int i = 0; i < 10 * CONFIG.electionTimeoutTicks(); i++) {
      net.get("n3").tick();
      net.stabilize();
    }
    assertThat(net.get("n3").term()).isEqualTo(term);
    net.healAll();
    net.tickAll(3 * CONFIG.electionTimeoutTicks());
    assertThat(net.leader()).isEqualTo("n1");
    assertThat(net.get("n1").term()).isEqualTo(term);
  }

  @Test
  void withoutPreVoteTheSameRejoiningNodeDoesDisrupt() {
    // The control for the test above: proves the scenario exercises pre-vote.
    RaftConfig noPreVote = CONFIG.withPreVote(false).withCheckQuorum(false);
    EngineNet net = EngineNet.of(3, noPreVote, 9);
    net.campaign("n1");
    long term = net.get("n1").term();
    net.isolate("n3");
    for (int i = 0; i < 10 * CONFIG.electionTimeoutTicks(); i++) {
      net.get("n3").tick();
      net.stabilize();
    }
    assertThat(net.get("n3").term()).isGreaterThan(term);
    net.healAll();
    net.tickAll(3 * CONFIG.electionTimeoutTicks());
    assertThat(net.get("n1").term()).isGreaterThan(term);
  }

  @Test
  void checkQuorumMakesAnIsolatedLeaderStepDown() {
    // Thesis §6.2: a leader that has not heard from a majority for an election timeout steps down.
    EngineNet net = EngineNet.of(3, CONFIG, 13);
    net.campaign("n1");
    net.isolate("n1");
    for (int i = 0; i < 3 * CONFIG.electionTimeoutTicks(); i++) {
      net.get("n1").tick();
      net.stabilize();
    }
    assertThat(net.get("n1").role()).isNotEqualTo(Role.LEADER);
  }

  @Test
  void aNewLeaderWhoseFirstTicksComeInABurstBeforeItSpokeDoesNotStepDown() {
    // The node thread was held up (a slow sync) while the votes arrived: the runtime then feeds the
    // ticks of the pause at once, before the new leader's first Ready could be carried out. Those
    // ticks must not count for check-quorum: no follower was asked anything yet.
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = EngineNet.of(3, CONFIG, seed);
      RaftEngine n1 = net.get("n1");
      while (n1.role() == Role.FOLLOWER) n1.tick();
      winWithoutHandingOutItsReady(net, n1);
      for (int i = 0; i < 2 * CONFIG.electionTimeoutTicks(); i++) n1.tick();
      assertThat(n1.role()).as("seed %d", seed).isEqualTo(Role.LEADER);
      net.stabilize();
      net.tickAll(3 * CONFIG.electionTimeoutTicks());
      assertThat(net.leader()).as("seed %d", seed).isEqualTo("n1");
      assertThat(net.get("n2").leaderId()).isEqualTo("n1");
    }
  }

  @Test
  void aLeaderPausedLongerThanAnElectionTimeoutKeepsLeadingIfTheFollowersAnswerAfterThePause() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = EngineNet.of(3, CONFIG, seed);
      net.campaign("n1");
      net.tickAll(CONFIG.heartbeatIntervalTicks());
      RaftEngine n1 = net.get("n1");
      // A GC pause of two election timeouts: its ticks come at once, the heartbeats of the first
      // still unsent. The followers' timers ran meanwhile too, but from [T, 2T) they may not have
      // fired: here they did not (only n1 ticks).
      for (int i = 0; i < 2 * CONFIG.electionTimeoutTicks(); i++) n1.tick();
      assertThat(n1.role()).as("seed %d", seed).isEqualTo(Role.LEADER);
      net.stabilize();
      net.tickAll(2 * CONFIG.electionTimeoutTicks());
      assertThat(net.leader()).as("seed %d", seed).isEqualTo("n1");
    }
  }

  @Test
  void onceItHasSpokenASilentMajorityStillStepsTheNewLeaderDown() {
    EngineNet net = EngineNet.of(3, CONFIG, 21);
    RaftEngine n1 = net.get("n1");
    while (n1.role() == Role.FOLLOWER) n1.tick();
    winWithoutHandingOutItsReady(net, n1);
    net.isolate("n1");
    net.stabilize(); // its first Ready is carried out: the messages are lost on the way
    for (int i = 0; i < CONFIG.electionTimeoutTicks(); i++) {
      n1.tick();
      net.stabilize(); // the runtime carries out each Ready: heartbeats go, none is answered
    }
    assertThat(n1.role()).isNotEqualTo(Role.LEADER);
  }

  /** Delivers the election's messages one by one and stops the moment {@code n1} leads. */
  private static void winWithoutHandingOutItsReady(EngineNet net, RaftEngine n1) {
    for (int round = 0; round < 100 && n1.role() != Role.LEADER; round++) {
      List<Message> out = new ArrayList<>();
      for (String id : List.of("n1", "n2", "n3")) out.addAll(net.drain(id));
      for (Message m : out) {
        net.get(m.to()).step(m);
        if (n1.role() == Role.LEADER) return;
      }
    }
    assertThat(n1.role()).isEqualTo(Role.LEADER);
  }

  @Test
  void followerInLeaderLeaseIgnoresVoteRequestsOfHigherTerms() {
    EngineNet net = EngineNet.of(3, CONFIG, 15);
    net.campaign("n1");
    RaftEngine f = net.get("n2");
    f.step(new RequestVote("n3", "n2", 50, 100, 50, false));
    assertThat(f.term()).isEqualTo(1);
    assertThat(ready(f).messages()).isEmpty();
  }

  @Test
  void readIndexIsConfirmedOnlyAfterAHeartbeatQuorum() {
    // Thesis §6.4: the leader records its commit index, then proves it is still leader.
    EngineNet net = EngineNet.of(3, CONFIG, 17);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    net.dropWhen(m -> m instanceof Heartbeat);
    leader.readIndex(42);
    net.stabilize();
    assertThat(net.readStates.get("n1")).isEmpty();
    net.dropWhen(m -> false);
    leader.readIndex(43);
    net.stabilize();
    assertThat(net.readStates.get("n1"))
        .containsExactly(new ReadState(42, 1), new ReadState(43, 1));
  }

  /** Three engines, n1 leading, one write committed everywhere: the start of the follower-read tests. */
  private static EngineNet ledByN1WithOneWriteCommitted() {
    EngineNet net = EngineNet.of(3, CONFIG, 19);
    net.campaign("n1");
    net.get("n1").propose(bytes("x"));
    net.stabilize();
    return net;
  }

  @Test
  void followerReadIndexIsAnsweredThroughTheLeader() {
    EngineNet net = ledByN1WithOneWriteCommitted();
    net.get("n2").readIndex(7);
    net.stabilize();
    assertThat(net.readStates.get("n2")).containsExactly(new ReadState(7, 2));
  }

  @Test
  void followerReadsThatArriveTogetherShareOneReadIndexRequest() {
    // Batching (thesis §6.4): otherwise every read on a follower costs the leader a message each way.
    EngineNet net = ledByN1WithOneWriteCommitted();
    for (long id = 1; id <= 5; id++) net.get("n2").readIndex(id);
    int before = net.delivered.size();
    net.stabilize();
    assertThat(net.delivered.subList(before, net.delivered.size()))
        .filteredOn(m -> m instanceof ReadIndexRequest || m instanceof ReadIndexResponse)
        .hasSize(2);
    assertThat(net.readStates.get("n2"))
        .containsExactly(
            new ReadState(1, 2), new ReadState(2, 2), new ReadState(3, 2), new ReadState(4, 2),
            new ReadState(5, 2));
  }

  @Test
  void followerReadArrivingWhileARequestIsOutWaitsForTheNextRequest() {
    // The read index in an answer was fixed when the request reached the leader. A read that began
    // after that (here: after a write committed) must not be served at that older index.
    EngineNet net = EngineNet.of(3, CONFIG, 19);
    net.campaign("n1");
    RaftEngine n1 = net.get("n1");
    RaftEngine n2 = net.get("n2");
    n2.readIndex(1);
    List<Message> request = net.drain("n2");
    assertThat(request).singleElement().isInstanceOf(ReadIndexRequest.class);
    List<Message> held = new ArrayList<>();
    net.dropWhen(m -> m instanceof ReadIndexResponse && held.add(m));
    n1.step(request.get(0));
    net.stabilize(); // the leader confirms with a heartbeat round; its answer is held back
    long oldIndex = ((ReadIndexResponse) held.get(0)).readIndex();
    net.dropWhen(m -> false);
    n1.propose(bytes("x"));
    net.stabilize();
    assertThat(n1.commitIndex()).isEqualTo(oldIndex + 1);

    n2.readIndex(2); // begins after x committed
    n2.step(held.get(0)); // the old answer arrives only now
    net.stabilize();
    assertThat(net.readStates.get("n2"))
        .containsExactly(new ReadState(1, oldIndex), new ReadState(2, oldIndex + 1));
  }

  @Test
  void followerResendsAReadIndexRequestThatWentUnanswered() {
    EngineNet net = EngineNet.of(3, CONFIG, 19);
    net.campaign("n1");
    net.dropWhen(m -> m instanceof ReadIndexRequest);
    net.get("n2").readIndex(1);
    net.stabilize();
    net.get("n2").readIndex(2);
    net.stabilize();
    net.dropWhen(m -> false);
    assertThat(net.readStates.get("n2")).isEmpty();
    net.tickAll(CONFIG.electionTimeoutTicks());
    assertThat(net.readStates.get("n2")).containsExactly(new ReadState(1, 1), new ReadState(2, 1));
    assertThat(net.get("n2").leaderId()).isEqualTo("n1");
  }

  @Test
  void followersToldTheLeaderIsUnreachableElectTheFirstSurvivorAfterTheMinimumTimeout() {
    // Without the hint each follower waits its random draw in [T, 2T) and either may win.
    int t = CONFIG.electionTimeoutTicks();
    for (long seed = 1; seed <= 20; seed++) {
      EngineNet net = EngineNet.of(3, CONFIG, seed);
      net.campaign("n1");
      net.tickAll(CONFIG.heartbeatIntervalTicks());
      net.isolate("n1"); // its process died: nothing more from it
      net.get("n2").peerUnreachable("n1");
      net.get("n3").peerUnreachable("n1");
      assertThat(net.get("n2").currentElectionTimeout()).as("seed %d", seed).isEqualTo(t);
      assertThat(net.get("n3").currentElectionTimeout()).as("seed %d", seed).isEqualTo(t + t / 2);
      net.tickAll(t - 1);
      assertThat(net.get("n2").role()).as("seed %d", seed).isEqualTo(Role.FOLLOWER);
      net.tickAll(1);
      assertThat(net.get("n2").role()).as("seed %d", seed).isEqualTo(Role.LEADER);
      assertThat(net.get("n2").term()).isEqualTo(2);
    }
  }

  @Test
  void falseAlarmAboutALiveLeaderIsForgottenAtItsNextMessage() {
    for (long seed = 1; seed <= 20; seed++) {
      EngineNet net = EngineNet.of(3, CONFIG, seed);
      net.campaign("n1");
      RaftEngine n2 = net.get("n2");
      int drawn = n2.currentElectionTimeout();
      n2.peerUnreachable("n3"); // not its leader: nothing changes
      assertThat(n2.currentElectionTimeout()).isEqualTo(drawn);
      n2.peerUnreachable("n1");
      net.tickAll(3 * CONFIG.electionTimeoutTicks()); // the leader's heartbeats go on
      assertThat(net.leader()).isEqualTo("n1");
      assertThat(n2.term()).isEqualTo(1);
      assertThat(n2.currentElectionTimeout()).as("seed %d", seed).isEqualTo(drawn);
    }
  }

  @Test
  void preCandidateAsksAgainAVoterWhoseLeaseRanOutATickLater() {
    // Nodes count ticks from their own phase: n3 heard the leader one tick after n2 in its own count,
    // so it ignores n2's first pre-vote request; asking again the next tick wins at once, instead of
    // a whole election timeout later (or never, here: n3's own timer is far off).
    int t = CONFIG.electionTimeoutTicks();
    long seed = 1;
    EngineNet net;
    do {
      net = EngineNet.of(3, CONFIG, seed++);
      net.campaign("n1");
      net.tickAll(CONFIG.heartbeatIntervalTicks());
    } while (net.get("n3").currentElectionTimeout() < t + 3);
    net.isolate("n1");
    RaftEngine n2 = net.get("n2");
    n2.peerUnreachable("n1"); // n2's timer: exactly t
    n2.tick(); // n2 is a tick ahead of n3
    net.tickAll(t - 1);
    assertThat(n2.role()).isEqualTo(Role.PRE_CANDIDATE);
    net.tickAll(1);
    assertThat(n2.role()).isEqualTo(Role.LEADER);
    assertThat(net.get("n3").leaderId()).isEqualTo("n2");
  }

  @Test
  void restartedNodeGrantsNoVoteWithinAnElectionTimeoutOfStarting() {
    // It may have acknowledged a leader just before it stopped; voting at once could let a new leader
    // overlap the old leader's lease.
    RaftEngine fresh = new RaftEngine("n3", THREE, CONFIG, new SplittableRandom(1), new HardState(4, null, 0), null, List.of());
    fresh.step(new RequestVote("n1", "n3", 5, 0, 0, false));
    assertThat(ready(fresh).messages()).isEmpty();
    assertThat(fresh.term()).isEqualTo(4);
    for (int i = 0; i < CONFIG.electionTimeoutTicks(); i++) fresh.tick();
    ready(fresh);
    fresh.step(new RequestVote("n1", "n3", 5, 0, 0, false));
    assertThat(ready(fresh).messages()).containsExactly(new RequestVoteResponse("n3", "n1", 5, true, false));
  }

  @Test
  void leaseReadIsServedAtOnceWhileTheLeaseHolds() {
    EngineNet net = EngineNet.of(3, CONFIG, 25);
    net.campaign("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks()); // a heartbeat round acknowledged by a majority
    RaftEngine leader = net.get("n1");
    leader.leaseRead(5);
    Ready r = ready(leader);
    assertThat(r.readStates()).containsExactly(new ReadState(5, leader.commitIndex()));
    assertThat(r.messages()).isEmpty();
  }

  @Test
  void leaseReadFallsBackToReadIndexOnceTheLeaseRunsOut() {
    EngineNet net = EngineNet.of(3, CONFIG, 27);
    net.campaign("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks());
    RaftEngine leader = net.get("n1");
    net.isolate("n1");
    // Heartbeats go unanswered: after the lease length the leader must not trust its lease.
    for (int i = 0; i < CONFIG.electionTimeoutTicks() - 1; i++) {
      leader.tick();
      net.stabilize();
    }
    assertThat(leader.role()).isEqualTo(Role.LEADER);
    leader.leaseRead(6);
    Ready r = ready(leader);
    assertThat(r.readStates()).isEmpty();
    assertThat(r.messages()).hasOnlyElementsOfType(Heartbeat.class).isNotEmpty();
  }

  @Test
  void leaseLastsFourFifthsOfTheElectionTimeoutLessOneTickAfterTheHeartbeatLeft() {
    // A follower's vote refusal is only sure to last electionTimeout - 1 of its ticks; with clocks
    // within 20% of each other the lease must end by 0.8 of that: 7 ticks for a timeout of 10.
    EngineNet net = EngineNet.of(3, CONFIG, 31);
    net.campaign("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks()); // a round sent at this very tick, acknowledged
    RaftEngine leader = net.get("n1");
    net.isolate("n1");
    long lease = (CONFIG.electionTimeoutTicks() - 1) * 4 / 5;
    for (int i = 0; i < lease - 1; i++) leader.tick();
    leader.leaseRead(5);
    assertThat(ready(leader).readStates()).as("still inside the lease").hasSize(1);
    leader.tick();
    leader.leaseRead(6);
    Ready r = ready(leader);
    assertThat(r.readStates()).as("the lease ran out %d ticks after the heartbeat left", lease).isEmpty();
    assertThat(r.messages()).hasOnlyElementsOfType(Heartbeat.class).isNotEmpty();
  }

  @Test
  void leaseReadOnAFollowerGoesThroughTheLeader() {
    EngineNet net = EngineNet.of(3, CONFIG, 29);
    net.campaign("n1");
    net.get("n2").leaseRead(8);
    net.stabilize();
    assertThat(net.readStates.get("n2")).containsExactly(new ReadState(8, 1));
  }

  // --- lease timing across per-node settings ------------------------------------------------------
  // The leader sizes its lease from its own tick and election timeout; each follower's promise to
  // refuse votes is measured in its own. Only followers whose promise lasts as long may back it.

  /** Followers whose promise is shorter than a DEFAULT leader's lease assumes (450 ms for sure). */
  static List<RaftConfig> followersShortOfTheLease() {
    return List.of(
        CONFIG.withElectionTimeoutTicks(5), // 4 × 50 ms
        CONFIG.withTickMicros(25_000), // 9 × 25 ms
        // 5 × 100 ms equals the leader's 10 × 50 ms, but only 4 × 100 ms is sure: still short.
        CONFIG.withElectionTimeoutTicks(5).withTickMicros(100_000),
        CONFIG.withCheckQuorum(false)); // same timing, but it never refuses votes for a leader
  }

  /** Followers whose promise lasts at least as long as a DEFAULT leader's lease assumes. */
  static List<RaftConfig> followersCoveringTheLease() {
    return List.of(
        CONFIG,
        CONFIG.withElectionTimeoutTicks(20),
        CONFIG.withTickMicros(100_000),
        CONFIG.withElectionTimeoutTicks(6).withTickMicros(100_000)); // 5 × 100 ms >= 9 × 50 ms
  }

  /** n1 leads with DEFAULT settings and one heartbeat round was answered; n2, n3 use {@code followers}. */
  private static EngineNet leaseCluster(RaftConfig n2, RaftConfig n3, long seed) {
    EngineNet net = EngineNet.of(3, id -> id.equals("n1") ? CONFIG : id.equals("n2") ? n2 : n3, seed);
    net.campaign("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks());
    assertThat(net.get("n1").role()).isEqualTo(Role.LEADER);
    return net;
  }

  @ParameterizedTest
  @MethodSource("followersShortOfTheLease")
  void leaseReadFallsBackToReadIndexWhenTheFollowersPromiseLessThanTheLeaderAssumes(RaftConfig followers) {
    EngineNet net = leaseCluster(followers, followers, 33);
    RaftEngine leader = net.get("n1");

    leader.leaseRead(5);
    List<Message> out = net.drain("n1");
    assertThat(net.readStates.get("n1")).as("not served at once").isEmpty();
    assertThat(out).as("a ReadIndex round instead").hasOnlyElementsOfType(Heartbeat.class).isNotEmpty();
    for (Message m : out) net.get(m.to()).step(m);
    net.stabilize();
    assertThat(net.readStates.get("n1")).as("served after the round")
        .containsExactly(new ReadState(5, leader.commitIndex()));

    assertThat(leader.followersShortOfLease()).containsExactly("n2", "n3");
    assertThat(net.delivered).filteredOn(HeartbeatResponse.class::isInstance)
        .isNotEmpty()
        .allSatisfy(m -> assertThat(((HeartbeatResponse) m).promiseCoversLease()).isFalse());
    // The same answers still count for check-quorum: the leader keeps its leadership.
    net.tickAll(3 * CONFIG.electionTimeoutTicks());
    assertThat(leader.role()).isEqualTo(Role.LEADER);
  }

  @ParameterizedTest
  @MethodSource("followersCoveringTheLease")
  void leaseReadIsServedAtOnceWhenTheFollowersPromiseAtLeastAsLongAsTheLeaderAssumes(RaftConfig followers) {
    EngineNet net = leaseCluster(followers, followers, 35);
    RaftEngine leader = net.get("n1");

    leader.leaseRead(5);
    Ready r = ready(leader);
    assertThat(r.readStates()).containsExactly(new ReadState(5, leader.commitIndex()));
    assertThat(r.messages()).isEmpty();
    assertThat(leader.followersShortOfLease()).isEmpty();
  }

  @Test
  void aFollowerShortOfTheLeaseDoesNotStopALeaseThatAMajorityWithoutItBacks() {
    EngineNet net = leaseCluster(CONFIG, CONFIG.withElectionTimeoutTicks(5), 37);
    RaftEngine leader = net.get("n1");

    leader.leaseRead(5);
    assertThat(ready(leader).readStates()).containsExactly(new ReadState(5, leader.commitIndex()));
    assertThat(leader.followersShortOfLease()).containsExactly("n3");
  }

  @Test
  void anAnswerToAHeartbeatOfAnOlderTermSaysNothingAboutTheLease() {
    // Regression, found by the simulation: a follower answers a heartbeat of an older term as stale
    // (readSeq 0, no promise) in its own term; when the sender leads that term by the time the answer
    // arrives, it must not take the follower for one whose promise is short.
    EngineNet net = leaseCluster(CONFIG, CONFIG, 41);
    RaftEngine leader = net.get("n1");

    leader.step(new HeartbeatResponse("n2", "n1", leader.term(), 0, leader.lastIndex(), false));

    assertThat(leader.followersShortOfLease()).isEmpty();
    leader.leaseRead(5);
    assertThat(ready(leader).readStates()).containsExactly(new ReadState(5, leader.commitIndex()));
  }

  @Test
  void aFollowerKnowsItsLeadersTimingAndWhetherItsPromiseCoversIt() {
    EngineNet net = leaseCluster(CONFIG.withElectionTimeoutTicks(5), CONFIG, 39);
    RaftEngine n2 = net.get("n2");

    assertThat(n2.leaderTiming()).isEqualTo(new LeaseTiming(50_000, 10));
    assertThat(n2.promiseCoversLease(n2.leaderTiming())).isFalse();
    assertThat(net.get("n3").promiseCoversLease(net.get("n3").leaderTiming())).isTrue();
    assertThat(net.get("n1").leaderTiming()).as("a leader has no leader's timing").isNull();
  }

  @Test
  void proposalBeforeAnyElectionIsRejectedAsNoLeader() {
    // Regression, found by the simulation (seed 4): at term 0 the engine threw while building an
    // entry, which stopped the node, instead of turning the client away.
    RaftEngine fresh = new RaftEngine("n1", THREE, CONFIG, new SplittableRandom(1), HardState.INITIAL, null, List.of());
    assertThatThrownBy(() -> fresh.propose(bytes("x")))
        .isInstanceOfSatisfying(RequestFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(RequestFailedException.Reason.NO_LEADER));
    assertThat(fresh.lastIndex()).isZero();
  }

  @Test
  void restartDoesNotTrustASavedCommitIndex() {
    // Regression, found by the simulation (seed 5, 3 nodes): a crash kept the hard state with commit
    // index 2 but lost the entry of term 2 staged with it, leaving a stale term-1 entry at index 2.
    // Trusting the saved commit index would apply that stale entry.
    List<LogEntry> survived = entries(1, 1);
    RaftEngine restarted = new RaftEngine("n1", THREE, CONFIG, new SplittableRandom(1),
        new HardState(2, null, 2), null, survived);
    assertThat(restarted.commitIndex()).isZero();
    assertThat(ready(restarted).committedEntries()).isEmpty();
    // The leader of term 2 repairs index 2, and only then commits it.
    LogEntry committed = LogEntry.command(2, 2, bytes("new"));
    restarted.step(new AppendEntries("n3", "n1", 2, 1, 1, List.of(committed), 2));
    assertThat(ready(restarted).committedEntries()).extracting(LogEntry::term).containsExactly(1L, 2L);
  }

  @Test
  void readOnACandidateFailsRatherThanServingLocalState() {
    RaftEngine e = engine("n1", HardState.INITIAL, List.of());
    e.readIndex(1);
    assertThat(ready(e).failedReads()).containsExactly(new FailedRead(1, FailedRead.Cause.NO_LEADER));
  }

  @Test
  void replicationPipelineIsBoundedByTheInflightWindow() {
    RaftConfig cfg = CONFIG.withMaxInflightAppends(2).withMaxAppendBytes(1);
    EngineNet net = EngineNet.of(3, cfg, 21);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    for (int i = 0; i < 10; i++) leader.propose(bytes("v" + i));
    List<Message> first = ready(leader).messages();
    long appends = first.stream()
        .filter(m -> m instanceof AppendEntries ae && ae.to().equals("n2") && !ae.entries().isEmpty())
        .count();
    assertThat(appends).isEqualTo(2);
    first.forEach(m -> net.get(m.to()).step(m));
    net.stabilize();
    assertThat(net.get("n2").lastIndex()).isEqualTo(11);
  }

  @Test
  void laggingFollowerCatchesUpAfterRejoining() {
    EngineNet net = EngineNet.of(3, CONFIG, 23);
    net.campaign("n1");
    net.isolate("n3");
    for (int i = 0; i < 20; i++) net.get("n1").propose(bytes("v" + i));
    net.stabilize();
    assertThat(net.get("n1").commitIndex()).isEqualTo(21);
    assertThat(net.get("n3").lastIndex()).isEqualTo(1);
    net.healAll();
    net.tickAll(2 * CONFIG.heartbeatIntervalTicks());
    assertThat(net.get("n3").lastIndex()).isEqualTo(21);
    assertThat(net.get("n3").commitIndex()).isEqualTo(21);
  }

  @Test
  void divergentFollowerLogIsRepairedWithFastBackoff() {
    // n3 holds entries of an old term 1 that never committed; the term-2 leader overwrites them.
    Set<String> ids = THREE;
    RaftEngine n1 = new RaftEngine("n1", ids, CONFIG, new SplittableRandom(1), new HardState(1, null, 1), null, entries(1));
    RaftEngine n2 = new RaftEngine("n2", ids, CONFIG, new SplittableRandom(2), new HardState(1, null, 1), null, entries(1));
    RaftEngine n3 = new RaftEngine("n3", ids, CONFIG, new SplittableRandom(3), new HardState(1, null, 1), null, entries(1, 1, 1, 1, 1));
    EngineNet net = new EngineNet();
    for (RaftEngine e : List.of(n1, n2, n3)) {
      net.engines.put(e.id(), e);
      net.applied.put(e.id(), new java.util.ArrayList<>());
      net.readStates.put(e.id(), new java.util.ArrayList<>());
    }
    net.isolate("n3");
    for (int i = 0; i < 10 * CONFIG.electionTimeoutTicks() && net.leader() == null; i++) net.tickAll(1);
    RaftEngine leader = net.get(net.leader());
    leader.propose(bytes("x"));
    net.stabilize();
    net.healAll();
    net.tickAll(2 * CONFIG.heartbeatIntervalTicks());
    assertThat(n3.lastIndex()).isEqualTo(3);
    assertThat(n3.entryAt(2)).isEqualTo(leader.entryAt(2));
    assertThat(n3.entryAt(3)).isEqualTo(leader.entryAt(3));
    long rejections = net.delivered.stream()
        .filter(m -> m instanceof AppendEntriesResponse r && !r.success() && r.from().equals("n3"))
        .count();
    assertThat(rejections).isLessThanOrEqualTo(2);
  }

  @Test
  void singleNodeClusterElectsItselfAndCommitsAlone() {
    RaftEngine solo = new RaftEngine("n1", Set.of("n1"), CONFIG, new SplittableRandom(1), HardState.INITIAL, null, List.of());
    for (int i = 0; i < 2 * CONFIG.electionTimeoutTicks(); i++) solo.tick();
    assertThat(solo.role()).isEqualTo(Role.LEADER);
    long index = solo.propose(bytes("x"));
    Ready r = ready(solo);
    assertThat(r.committedEntries()).extracting(LogEntry::index).contains(index);
    assertThat(r.entries()).extracting(LogEntry::index).contains(index);
  }
}
