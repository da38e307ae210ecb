package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.spi.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

// Goal: a write is reported "certainly not applied" only when that is true. When this node's log
// gives a pending proposal's index to a newer entry, the old entry may survive on another node and
// be committed by a later leader (the Figure 8 shape); only what is applied at the index settles it.
// Method: one NodeDriver, node x of five (x, y, z, w, v), fed the review's schedule as messages:
// x leads term 1 and appends P0, P1 (only y gets them); z's term-2 no-op truncates x; x leads term 3
// and proposes P2 at P1's index; y leads term 4 and commits P0, P1. The same schedule with the old
// rule planted shows P1 reported as not applied although it was applied.
class ReplacedProposalTest {

  private static final Set<String> VOTERS = Set.of("x", "y", "z", "w", "v");

  @Test
  void aProposalWhoseIndexIsRetakenIsSettledByWhatIsAppliedThere() {
    Schedule s = new Schedule(Set.of());
    s.run();
    assertThat(s.p1).as("P1 was committed by y in term 4 at index 3").isCompletedWithValueMatching(
        a -> a.index() == 3 && new String(a.result(), StandardCharsets.UTF_8).equals("P1"));
    assertThat(s.p2).isCompletedExceptionally();
    assertThat(cause(s.p2)).isInstanceOf(RequestFailedException.class); // y's P1 is final at 3
  }

  @Test
  void withTheOldRuleTheRetakenProposalIsReportedNotAppliedAlthoughItWas() {
    Schedule s = new Schedule(EnumSet.of(InjectedBug.REPLACED_PROPOSAL_NOT_APPLIED));
    s.run();
    assertThat(s.applied).contains("P1");
    assertThat(cause(s.p1)).isInstanceOf(RequestFailedException.class);
  }

  private static Throwable cause(CompletableFuture<?> f) {
    return f.handle((v, e) -> e).join();
  }

  /** The schedule, seen from x. */
  private static final class Schedule {
    final Wire wire = new Wire();
    final List<Message> sent = wire.sent;
    final List<String> applied = new ArrayList<>();
    final RaftEngine engine;
    final NodeDriver driver;
    CompletableFuture<Applied> p0 = new CompletableFuture<>();
    CompletableFuture<Applied> p1 = new CompletableFuture<>();
    CompletableFuture<Applied> p2 = new CompletableFuture<>();

    Schedule(Set<InjectedBug> bugs) {
      engine = new RaftEngine("x", VOTERS, RaftConfig.DEFAULT, new SplittableRandom(7),
          HardState.INITIAL, null, List.of());
      StateMachine echo = new StateMachine() {
        @Override
        public byte[] apply(long index, byte[] command) {
          applied.add(new String(command, StandardCharsets.UTF_8));
          return command;
        }

        @Override
        public byte[] query(byte[] query) {
          return query;
        }

        @Override
        public byte[] snapshot() {
          return new byte[0];
        }

        @Override
        public void restore(long lastIndex, byte[] data) {}
      };
      driver = new NodeDriver(engine, new InMemoryLogStore(), wire, echo, 0, 10_000, 100);
      driver.plant(bugs);
    }

    void run() {
      winElection(1, "y", "z");                               // no-op(1) at 1
      driver.propose(bytes("P0"), p0);                        // index 2
      driver.propose(bytes("P1"), p1);                        // index 3
      driver.flush();
      assertThat(engine.lastIndex()).isEqualTo(3);
      // z leads term 2 with a log ending at 0; its no-op at 1 truncates x's term-1 entries.
      receive(new AppendEntries("z", "x", 2, 0, 0, List.of(LogEntry.noop(2, 1)), 0));
      assertThat(engine.lastIndex()).isEqualTo(1);
      assertThat(p1).as("x's log lost P1, but y still has it").isNotDone();
      winElection(3, "w", "v");                               // no-op(3) at 2
      driver.propose(bytes("P2"), p2);                        // index 3: P1's index again
      driver.flush();
      assertThat(engine.lastIndex()).isEqualTo(3);
      // y leads term 4 with its term-1 entries and commits them with w and v (Figure 8).
      List<LogEntry> ys = List.of(LogEntry.noop(1, 1), LogEntry.command(1, 2, bytes("P0")),
          LogEntry.command(1, 3, bytes("P1")), LogEntry.noop(4, 4));
      receive(new AppendEntries("y", "x", 4, 0, 0, ys, 4));
      assertThat(driver.appliedIndex()).isEqualTo(4);
      assertThat(p0).isCompleted();
    }

    /** Pre-vote and vote for {@code term}, granted by two voters: a majority of five with x. */
    private void winElection(long term, String a, String b) {
      for (int i = 0; i < 100 && engine.role() != Role.PRE_CANDIDATE; i++) {
        driver.tick();
        driver.flush();
      }
      assertThat(engine.role()).isEqualTo(Role.PRE_CANDIDATE);
      assertThat(sent).anyMatch(m -> m instanceof RequestVote rv && rv.preVote() && rv.term() == term);
      receive(new RequestVoteResponse(a, "x", term, true, true));
      receive(new RequestVoteResponse(b, "x", term, true, true));
      assertThat(engine.role()).isEqualTo(Role.CANDIDATE);
      receive(new RequestVoteResponse(a, "x", term, true, false));
      receive(new RequestVoteResponse(b, "x", term, true, false));
      assertThat(engine.role()).isEqualTo(Role.LEADER);
      assertThat(engine.term()).isEqualTo(term);
    }

    private void receive(Message m) {
      driver.receive(m);
      driver.flush();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
