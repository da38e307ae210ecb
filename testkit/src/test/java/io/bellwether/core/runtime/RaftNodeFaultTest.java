package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.BellwetherException;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.testkit.cluster.LocalCluster;
import io.bellwether.testkit.inmem.CrashableLogStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

// Goal: a node answers every request it holds when it is killed cut off from its peers, and stops
// (saying why) when its disk fails, never acknowledging what it could not make durable.
// Method: real nodes on the test kit's fault-injecting network and crash-modelling store.
class RaftNodeFaultTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static Reason reasonOf(CompletableFuture<?> f) {
    Throwable t = f.handle((v, e) -> e).join();
    while (t != null && !(t instanceof BellwetherException)) t = t.getCause();
    return t instanceof RequestFailedException r ? r.reason() : null;
  }

  @Test
  void shutdownAnswersEveryPendingRequestAndRefusesNewOnes() throws Exception {
    try (LocalCluster cluster = new LocalCluster(3, KvStateMachine::new, 42)) {
      String leader = await().atMost(DEADLINE).until(() -> cluster.leader().orElse(null), l -> l != null);
      cluster.network().isolate(leader);
      KvClient client = new KvClient(cluster.node(leader));
      CompletableFuture<KvWrite> pendingWrite = client.put("k", new byte[] {1});
      CompletableFuture<?> pendingRead = client.get("k");
      cluster.kill(leader);
      assertThat(pendingWrite).isCompletedExceptionally();
      Throwable t = pendingWrite.handle((v, e) -> e).join();
      while (t instanceof java.util.concurrent.CompletionException) t = t.getCause();
      assertThat(t).isInstanceOf(OutcomeUnknownException.class);
      assertThat(((OutcomeUnknownException) t).mayHaveHappened()).isTrue();
      assertThat(pendingRead).isCompletedExceptionally();
      assertThat(reasonOf(client.put("after", new byte[0]))).isEqualTo(Reason.SHUTTING_DOWN);
    }
  }

  @Test
  void aStorageFailureStopsTheNodeAndSaysSoThroughStopped() throws Exception {
    InMemoryNetwork network = new InMemoryNetwork();
    CrashableLogStore store = new CrashableLogStore();
    try (RaftNode node = RaftNode.builder().nodeId("n1").voters(Set.of("n1"))
        .store(store).transport(network.transport("n1"))
        .stateMachine(new KvStateMachine()).tick(Duration.ofMillis(10))
        .build().start()) {
      KvClient kv = new KvClient(node);
      await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
      kv.put("before", new byte[] {1}).get(10, TimeUnit.SECONDS);
      assertThat(node.stopped()).as("a healthy node is running").isNotDone();

      store.failSyncsAfter(store.syncCount());
      CompletableFuture<KvWrite> doomed = kv.put("after", new byte[] {2});

      Throwable cause = node.stopped().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
      assertThat(cause).isInstanceOf(io.bellwether.core.spi.StorageException.class)
          .hasMessageContaining("injected disk failure");
      assertThat(doomed).as("the write that could not be made durable is never acknowledged")
          .isCompletedExceptionally();
      assertThat(doomed.handle((v, e) -> e).join()).as("and its failure says the node broke")
          .hasMessageContaining("stopped on an unrecoverable error")
          .hasMessageContaining("injected disk failure");
      assertThat(node.status().running()).isFalse();
    } finally {
      network.close();
    }
  }
}
