package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

// Goal: a follower's promise not to vote, which the leader's lease rests on, lasts an election
// timeout after it last heard from the leader, whatever happens to its term and leader field meanwhile.
// Method: the review's schedule, step by step on three engines: leader L=n1, F=n2, C=n3; L->F fails,
// F pre-campaigns; L<->C fails, C wins F's pre-vote and campaigns in term 2; L->F heals, F acknowledges
// L (extending L's lease); F's old pre-vote request reaches C, whose rejection carries term 2, so F
// adopts term 2 with no leader. C asks F again. The same schedule with the old rule planted shows the
// stale lease read the fix prevents, so the test cannot pass vacuously.
class VotePromiseTest {

  /** Pinned, not the defaults: T = 10 ticks, heartbeat every 2, which the schedules below count. */
  private static final RaftConfig CONFIG = RaftConfig.DEFAULT.withElectionTimeoutTicks(10).withHeartbeatIntervalTicks(2);
  private static final int T = CONFIG.electionTimeoutTicks();

  /** The engine's next Ready, carried out at once (advanced): these tests only look at it. */
  private static Ready ready(RaftEngine e) {
    return EngineNet.readyAndAdvance(e);
  }

  @Test
  void aTermAdoptedFromARejectedPreVoteDoesNotEndThePromise() {
    Outcome o = runSchedule(false);
    assertThat(o.leaseReadAtOnce).as("the old leader's lease holds, so the read is served at once").isTrue();
    assertThat(o.secondLeaderInLease).as("F must refuse C's vote while L's lease runs").isFalse();
    assertThat(o.readIndex).isGreaterThanOrEqualTo(o.highestCommitElsewhere);
    assertThat(o.ticksUntilCLeads).as("C is elected as soon as F's promise ends (C keeps asking an"
        + " unanswered voter every tick), not a whole random timeout later").isBetween(1, T + 2);
  }

  @Test
  void withThePromiseTiedToTheLeaderFieldTheOldLeaderServesAStaleLeaseRead() {
    Outcome o = runSchedule(true);
    assertThat(o.secondLeaderInLease).isTrue();
    assertThat(o.leaseReadAtOnce).isTrue();
    assertThat(o.readIndex).as("a stale read: C committed W beyond it").isLessThan(o.highestCommitElsewhere);
  }

  @Test
  void aVoteRequestOfItsOwnTermInsideThePromiseIsIgnoredNotRefusedSoTheCandidateAsksAgain() {
    // A candidate counts a refusal against itself and stops asking that voter (in five nodes, three
    // refusals end its campaign); an unanswered voter is asked again every tick, so the candidate
    // wins as soon as the promise runs out instead of a whole random timeout later.
    EngineNet net = EngineNet.of(3, CONFIG, 43);
    net.campaign("n1");
    RaftEngine f = net.get("n2");
    net.isolate("n1");
    // A rejected pre-vote carrying term 2 moves F to term 2 with no leader, inside the promise.
    f.step(new io.bellwether.core.message.RequestVoteResponse("n3", "n2", 2, false, true));
    ready(f);
    assertThat(f.term()).isEqualTo(2);
    assertThat(f.leaderId()).isNull();
    RequestVote ask = new RequestVote("n3", "n2", 2, f.lastIndex(), f.lastTerm(), false);
    f.step(ask);
    assertThat(ready(f).messages()).as("no answer inside the promise").isEmpty();
    assertThat(f.votedFor()).isNull();
    for (int i = 0; i < T; i++) f.tick();
    ready(f);
    f.step(ask);
    assertThat(ready(f).messages()).singleElement().satisfies(m -> assertThat(
        ((io.bellwether.core.message.RequestVoteResponse) m).voteGranted()).isTrue());
    assertThat(f.votedFor()).isEqualTo("n3");
  }

  private record Outcome(boolean secondLeaderInLease, boolean leaseReadAtOnce, long readIndex,
      long highestCommitElsewhere, int ticksUntilCLeads) {}

  private Outcome runSchedule(boolean oldRule) {
    Net net = new Net(EngineNet.of(3, CONFIG, 41));
    if (oldRule) {
      for (RaftEngine e : net.net.engines.values()) e.plant(EnumSet.of(InjectedBug.VOTE_PROMISE_NEEDS_LEADER_FIELD));
    }
    RaftEngine l = net.e("n1");
    RaftEngine f = net.e("n2");
    RaftEngine c = net.e("n3");
    net.net.campaign("n1");
    assertThat(l.role()).isEqualTo(Role.LEADER);
    // Run whole check-quorum windows, so the cuts below start right after one: L then survives
    // until the end of the next window, long enough for the schedule.
    for (int i = 0; i < 2 * T; i++) net.tickAll();
    assertThat(l.role()).isEqualTo(Role.LEADER);

    // L->F fails, and L<->C. The transports' hints pin F's and C's timers (T and T + T/2).
    net.cut("n1", "n2");
    net.cut("n1", "n3");
    net.cut("n3", "n1");
    f.peerUnreachable("n1");
    c.peerUnreachable("n1");
    // F's pre-vote requests to C are held back (one is delivered much later); C's vote requests to
    // F wait until F has heard from L again.
    List<Message> heldFromF = new ArrayList<>();
    net.hold(m -> m instanceof RequestVote rv && rv.preVote() && rv.from().equals("n2"), heldFromF);
    List<Message> heldFromC = new ArrayList<>();
    net.hold(m -> m instanceof RequestVote rv && !rv.preVote() && rv.from().equals("n3"), heldFromC);
    for (int i = 0; i < 2 * T && c.role() != Role.CANDIDATE; i++) net.tickAll();
    assertThat(f.role()).isEqualTo(Role.PRE_CANDIDATE);
    assertThat(c.role()).as("C won F's pre-vote").isEqualTo(Role.CANDIDATE);
    assertThat(c.term()).isEqualTo(2);
    assertThat(heldFromF).isNotEmpty();

    // L->F heals: F hears L's next heartbeat and acknowledges it, extending L's lease.
    net.heal("n1", "n2");
    while (f.leaderId() == null) net.tickAll();
    assertThat(f.leaderId()).isEqualTo("n1");
    // C's request for term 2 reaches F, who ignores it: F heard from L just now.
    net.release(heldFromC);
    assertThat(f.term()).isEqualTo(1);
    // F's old pre-vote request reaches C; C rejects it with term 2, and F adopts term 2, no leader.
    net.deliver(heldFromF.get(heldFromF.size() - 1));
    assertThat(f.term()).isEqualTo(2);
    assertThat(f.leaderId()).isNull();

    // C asks F again, every tick. L's lease still holds, so nobody may elect anyone yet.
    net.stopHolding();
    net.tickAll();
    long w = 0;
    if (c.role() == Role.LEADER) {
      w = c.propose(new byte[] {'W'});
      net.settle();
    }
    boolean secondLeader = c.role() == Role.LEADER;
    long committedByC = c.commitIndex();
    l.leaseRead(99);
    Ready r = ready(l);
    boolean atOnce = r.readStates().size() == 1;
    long readIndex = atOnce ? r.readStates().get(0).readIndex() : -1;
    if (oldRule) {
      assertThat(committedByC).as("C committed W with F").isGreaterThanOrEqualTo(w);
    }
    // Later: the promise ends an election timeout after F last heard from L, and C wins.
    net.heal("n1", "n3");
    net.heal("n3", "n1");
    int ticks = 0;
    while (ticks < 3 * T && c.role() != Role.LEADER) {
      net.tickAll();
      ticks++;
    }
    return new Outcome(secondLeader, atOnce, readIndex, committedByC,
        c.role() == Role.LEADER ? ticks : Integer.MAX_VALUE);
  }

  /** Step-by-step delivery over EngineNet's engines, with one-way cuts and held messages. */
  private static final class Net {
    final EngineNet net;
    private final Set<String> cut = new HashSet<>();
    private final List<Predicate<Message>> holds = new ArrayList<>();
    private final List<List<Message>> holdInto = new ArrayList<>();

    Net(EngineNet net) {
      this.net = net;
    }

    RaftEngine e(String id) {
      return net.get(id);
    }

    void cut(String from, String to) {
      cut.add(from + ">" + to);
    }

    void heal(String from, String to) {
      cut.remove(from + ">" + to);
    }

    void hold(Predicate<Message> p, List<Message> into) {
      holds.add(p);
      holdInto.add(into);
    }

    void stopHolding() {
      holds.clear();
      holdInto.clear();
    }

    void tickAll() {
      for (RaftEngine e : net.engines.values()) e.tick();
      settle();
    }

    void release(List<Message> held) {
      List<Message> copy = List.copyOf(held);
      held.clear();
      for (Message m : copy) deliver(m);
    }

    void deliver(Message m) {
      net.get(m.to()).step(m);
      settle();
    }

    /** Delivers until quiet, dropping what crosses a cut link and keeping what is held. */
    void settle() {
      for (int round = 0; round < 1_000; round++) {
        List<Message> out = new ArrayList<>();
        for (String id : net.engines.keySet()) out.addAll(net.drain(id));
        if (out.isEmpty()) return;
        for (Message m : out) {
          if (cut.contains(m.from() + ">" + m.to())) continue;
          int h = heldBy(m);
          if (h >= 0) {
            holdInto.get(h).add(m);
            continue;
          }
          net.get(m.to()).step(m);
        }
      }
      throw new AssertionError("did not settle");
    }

    private int heldBy(Message m) {
      for (int i = 0; i < holds.size(); i++) if (holds.get(i).test(m)) return i;
      return -1;
    }
  }
}
