package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvRead;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove that a node on MapDbLogStore keeps every write it acknowledged through kill -9 and restart.
// Method: a child JVM runs a single-node RaftNode + KvClient and prints each acknowledged key; we SIGKILL it at a
// seeded random point, restart a node on the same directory in this JVM, and read every acknowledged key back.
class MapDbNodeCrashTest {

  @TempDir Path root;

  @Test
  void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
    int rounds = Integer.getInteger("bellwether.crash.nodeRounds", 4);
    long seed = Long.getLong("bellwether.crash.seed", System.nanoTime());
    System.out.println("MapDbNodeCrashTest: " + rounds + " rounds, seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = root.resolve("node");
    Set<String> acknowledged = new LinkedHashSet<>();

    for (int round = 0; round < rounds; round++) {
      String context = "round " + round + " of seed " + seed;
      try (ChildProcess child = ChildProcess.start(root.resolve("children.log"), "node", dir.toString(),
          Long.toString(random.nextLong()), Integer.toString(round))) {
        int acksBeforeKill = 1 + random.nextInt(300);
        int acks = 0;
        while (acks < acksBeforeKill) {
          String line = child.nextLine(30_000).orElseThrow(() -> new AssertionError(
              "child died by itself in " + context + "; its log ends with:\n" + ChildProcess.tail(root.resolve("children.log"), 40)));
          if (line.startsWith("BW ACK")) {
            acknowledged.add(line.split(" ")[2]);
            acks++;
          }
        }
        assertThat(child.process().waitFor(random.nextLong(20_000), TimeUnit.MICROSECONDS)).isFalse();
        for (String line : child.kill()) {
          if (line.startsWith("BW ACK")) acknowledged.add(line.split(" ")[2]);
        }
      }
      verify(dir, acknowledged, context);
    }
    System.out.println("MapDbNodeCrashTest: " + rounds + " rounds, " + acknowledged.size()
        + " acknowledged writes, all found after restart");
  }

  private static void verify(Path dir, Set<String> acknowledged, String context) throws Exception {
    RaftNode node = RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(MapDbLogStore.open(dir, CrashChild.SEGMENT_BYTES))
        .transport(new InMemoryNetwork().transport("n1"))
        .stateMachine(new KvStateMachine())
        .tick(Duration.ofMillis(10))
        .build()
        .start();
    try {
      // Leader again, and its own no-op applied: everything the log held before is applied too.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        NodeStatus s = node.status();
        return s.role() == Role.LEADER && s.appliedIndex() >= s.lastIndex();
      });
      KvClient client = new KvClient(node);
      List<String> keys = new ArrayList<>(acknowledged);
      for (int from = 0; from < keys.size(); from += 500) {
        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
        List<CompletableFuture<KvRead>> reads = new ArrayList<>();
        for (String key : chunk) reads.add(client.get(key, ReadConsistency.STALE, 0));
        for (int i = 0; i < chunk.size(); i++) {
          KvRead read = reads.get(i).get(30, TimeUnit.SECONDS);
          assertThat(read.found()).as("acknowledged key %s after %s", chunk.get(i), context).isTrue();
          assertThat(read.value()).as("value of %s after %s", chunk.get(i), context).isEqualTo(CrashChild.value(chunk.get(i)));
        }
      }
    } finally {
      node.close();
    }
  }
}
