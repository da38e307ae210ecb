package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.BellwetherException;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.core.spi.StateMachine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: the node runtime keeps its bounds and its promises at the edges: a full inbox, too many
// pending requests, invalid input and shutdown all give a clear, typed answer and lose nothing.
// Method: single real nodes (own thread) with a state machine the test can hold still.
class RaftNodeTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static RaftNode soloNode(StateMachine sm, int inboxCapacity, int maxPending) {
    InMemoryNetwork network = new InMemoryNetwork();
    return RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(new InMemoryLogStore())
        .transport(network.transport("n1"))
        .stateMachine(sm)
        .tick(Duration.ofMillis(10))
        .inboxCapacity(inboxCapacity)
        .maxPendingRequests(maxPending)
        .build()
        .start();
  }

  private static Reason reasonOf(CompletableFuture<?> f) {
    Throwable t = f.handle((v, e) -> e).join();
    while (t != null && !(t instanceof BellwetherException)) t = t.getCause();
    return t instanceof RequestFailedException r ? r.reason() : null;
  }

  @Test
  void fullInboxTurnsRequestsAwayAsOverloadedAndLosesNothingAccepted() throws Exception {
    GatedStateMachine sm = new GatedStateMachine();
    try (RaftNode node = soloNode(sm, 16, 10_000)) {
      await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
      CompletableFuture<Applied> first = node.propose(new byte[] {1});
      assertThat(sm.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      // The node thread is stuck in apply: the inbox fills and further requests bounce at once.
      List<CompletableFuture<Applied>> rest = new ArrayList<>();
      for (int i = 0; i < 40; i++) rest.add(node.propose(new byte[] {2}));
      List<CompletableFuture<Applied>> bounced =
          rest.stream().filter(CompletableFuture::isDone).toList();
      assertThat(bounced).isNotEmpty().allSatisfy(f -> assertThat(reasonOf(f)).isEqualTo(Reason.OVERLOADED));
      sm.gate.countDown();
      // Everything the inbox accepted is applied; nothing accepted was lost.
      first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      List<CompletableFuture<Applied>> accepted =
          rest.stream().filter(f -> !bounced.contains(f)).toList();
      for (CompletableFuture<Applied> f : accepted) f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(sm.applied.get()).isEqualTo(1 + accepted.size());
    }
  }

  @Test
  void pendingRequestBoundRejectsTheExcessAsOverloaded() {
    // Driven by hand: proposals stay pending until flush(), so the bound can be hit deterministically.
    io.bellwether.core.engine.RaftEngine engine = new io.bellwether.core.engine.RaftEngine(
        "n1", Set.of("n1"), io.bellwether.core.engine.RaftConfig.DEFAULT,
        new java.util.SplittableRandom(1), io.bellwether.core.HardState.INITIAL, null, List.of());
    InMemoryNetwork network = new InMemoryNetwork();
    NodeDriver driver = new NodeDriver(engine, new InMemoryLogStore(), network.transport("n1"),
        new KvStateMachine(), 0, 100, 2);
    while (engine.role() != Role.LEADER) driver.tick();
    driver.flush();
    List<CompletableFuture<Applied>> fs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<Applied> f = new CompletableFuture<>();
      driver.propose(new byte[] {9}, f);
      fs.add(f);
    }
    assertThat(reasonOf(fs.get(2))).isEqualTo(Reason.OVERLOADED);
    driver.flush();
    assertThat(fs.get(0)).isCompleted();
    assertThat(fs.get(1)).isCompleted();
    network.close();
  }

  @Test
  void invalidKeysAndOversizedValuesAreRejectedBeforeProposing() {
    try (RaftNode node = soloNode(new KvStateMachine(), 1024, 1024)) {
      KvClient kv = new KvClient(node, new KvLimits(1024), Clock.systemUTC());
      assertThat(reasonOf(kv.put("", new byte[1]))).isEqualTo(Reason.INVALID_REQUEST);
      assertThat(reasonOf(kv.put(null, new byte[1]))).isEqualTo(Reason.INVALID_REQUEST);
      assertThat(reasonOf(kv.put("k".repeat(1025), new byte[1]))).isEqualTo(Reason.TOO_LARGE);
      assertThat(reasonOf(kv.put("k", new byte[1025]))).isEqualTo(Reason.TOO_LARGE);
      assertThat(reasonOf(kv.get("k", ReadConsistency.STALE, -1))).isEqualTo(Reason.INVALID_REQUEST);
      assertThat(node.status().lastIndex()).as("nothing was proposed").isLessThanOrEqualTo(1);
    }
  }

  @Test
  void theObserverHearsSyncsAndTheElectionOnTheNodeThread() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicLong syncedEntries = new java.util.concurrent.atomic.AtomicLong();
    NodeObserver observer = new NodeObserver() {
      @Override
      public void synced(long durationNanos, int entries) {
        syncedEntries.addAndGet(entries);
      }

      @Override
      public void roleChanged(Role role, long term, String leader) {
        events.add(role + "@" + term + " leader=" + leader + " on " + Thread.currentThread().getName());
      }
    };
    InMemoryNetwork network = new InMemoryNetwork();
    try (RaftNode node = RaftNode.builder().nodeId("n1").voters(Set.of("n1"))
        .store(new InMemoryLogStore()).transport(network.transport("n1"))
        .stateMachine(new KvStateMachine()).tick(Duration.ofMillis(10)).observer(observer)
        .build().start()) {
      KvClient kv = new KvClient(node);
      await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
      kv.put("a", new byte[] {1}).get(10, TimeUnit.SECONDS);
      await().atMost(DEADLINE).until(() -> syncedEntries.get() >= 2); // the no-op and the put
      assertThat(events).anyMatch(e -> e.startsWith("LEADER@1 leader=n1 on bellwether-node-n1"));
    } finally {
      network.close();
    }
  }

  @Test
  void aCleanCloseCompletesStoppedNormally() throws Exception {
    RaftNode node = soloNode(new KvStateMachine(), 16, 16);
    node.close();
    assertThat(node.stopped()).isCompleted();
    assertThat(node.stopped()).isNotCompletedExceptionally();
  }
}
