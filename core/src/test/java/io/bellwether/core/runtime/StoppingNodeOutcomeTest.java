package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.BellwetherException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.StateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: a node that stops answers every request it was given, and answers "certainly did not
// happen" (RequestFailedException) only for requests its thread never took: a request nobody
// answers leaves a client (and the HTTP request above it) waiting forever, and one answered "not
// done" after the engine saw it may be a lie.
// Method: single real nodes with a state machine the test holds still, or one that breaks the node.
class StoppingNodeOutcomeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static RaftNode soloNode(StateMachine sm, int inboxCapacity) {
    return RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(new InMemoryLogStore())
        .transport(new InMemoryNetwork().transport("n1"))
        .stateMachine(sm)
        .tick(Duration.ofMillis(10))
        .inboxCapacity(inboxCapacity)
        .build()
        .start();
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    Throwable t = f.handle((v, e) -> e).join();
    while (t != null && !(t instanceof BellwetherException)) t = t.getCause();
    return t;
  }

  @Test
  void closeAnswersTheRequestsItDropsToMakeRoomForItsStop() throws Exception {
    GatedStateMachine sm = new GatedStateMachine();
    RaftNode node = soloNode(sm, 16);
    await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
    CompletableFuture<Applied> first = node.propose(new byte[] {1});
    assertThat(sm.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    // The node thread is held in apply: the inbox fills up (the rest bounce as OVERLOADED).
    List<CompletableFuture<Applied>> queued = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      CompletableFuture<Applied> f = node.propose(new byte[] {2});
      if (!f.isDone()) queued.add(f);
    }
    assertThat(queued).isNotEmpty();

    // close() must drop a queued request to fit its Stop into the full inbox. The dropped request
    // never reaches the node thread, so close itself has to answer it; before, nobody ever did.
    Thread closer = new Thread(node::close, "closer");
    closer.setDaemon(true);
    closer.start();
    try {
      await().atMost(DEADLINE).until(() -> queued.stream().anyMatch(CompletableFuture::isDone));
    } finally {
      sm.gate.countDown();
    }
    closer.join(DEADLINE.toMillis());
    assertThat(closer.isAlive()).isFalse();
    first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    int applied = 1;
    for (CompletableFuture<Applied> f : queued) {
      assertThat(f).as("every request gets an answer").isDone();
      if (!f.isCompletedExceptionally()) {
        applied++;
        continue;
      }
      Throwable t = failureOf(f);
      if (t instanceof RequestFailedException r) assertThat(r.reason()).isEqualTo(Reason.SHUTTING_DOWN);
    }
    assertThat(queued).filteredOn(f -> failureOf(f) instanceof RequestFailedException)
        .as("what was dropped is answered as certainly not done").isNotEmpty();
    // Every answer "certainly not done" is true: nothing but the successes was applied.
    assertThat(sm.applied.get()).isEqualTo(applied);
  }

  @Test
  void aRequestWhoseHandlingStopsTheNodeIsStillAnswered() throws Exception {
    StateMachine breaksOnQuery = new StateMachine() {
      @Override
      public byte[] apply(long index, byte[] command) {
        return new byte[0];
      }

      @Override
      public byte[] query(byte[] query) {
        throw new IllegalStateException("a broken state machine");
      }

      @Override
      public byte[] snapshot() {
        return new byte[0];
      }

      @Override
      public void restore(long index, byte[] snapshot) {}
    };
    RaftNode node = soloNode(breaksOnQuery, 64);
    try {
      await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
      // A stale read is answered while the driver takes it, so the state machine's failure escapes
      // from the middle of handing the request over: the node stops on it (an unknown error is
      // fatal), with the request registered nowhere that failAllPending would find it.
      CompletableFuture<QueryResult> read = node.query(new byte[0], ReadConsistency.STALE, 0);
      assertThat(node.stopped().handle((v, e) -> e).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class);
      // Before, nobody ever completed this future: get() timed out.
      Throwable t = read.handle((v, e) -> e).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(t).isInstanceOf(RequestFailedException.class);
      assertThat(((RequestFailedException) t).reason()).isEqualTo(Reason.SHUTTING_DOWN);
    } finally {
      node.close();
    }
  }
}
