package io.bellwether.storage.mapdb;

import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.runtime.Applied;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.SnapshotPolicy;
import io.bellwether.core.spi.StateMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How much heap a node's log takes, engine and store together: a single-node {@code RaftNode} on a
 * {@code MapDbLogStore}, never snapshotting, with a state machine that keeps nothing, takes {@code
 * N} commands of 16 bytes (default 1,000,000); the heap in use after full collections is printed
 * before, after the writes, and after a restart on the same directory (which replays the WAL).
 * Not a test: run it by hand, {@code java -Xmx2g -cp <test classpath>
 * io.bellwether.storage.mapdb.LogHeapMain [N] [DIR]}. It uses only API that existed before the log
 * was bounded, so the same source measures both.
 */
public final class LogHeapMain {

  private LogHeapMain() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("log-heap");
    long before = usedHeap();
    System.out.printf("heap in use before: %.1f MB%n", before / 1e6);
    RaftNode node = start(dir);
    List<CompletableFuture<Applied>> window = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      byte[] command = new byte[16];
      command[0] = (byte) i;
      window.add(node.propose(command));
      if (window.size() == 2_000) {
        for (CompletableFuture<Applied> f : window) f.get(60, TimeUnit.SECONDS);
        window.clear();
      }
    }
    for (CompletableFuture<Applied> f : window) f.get(60, TimeUnit.SECONDS);
    System.out.printf("wrote %d entries in %.1f s; last index %d%n", n, (System.nanoTime() - started) / 1e9,
        node.status().lastIndex());
    long written = usedHeap();
    System.out.printf("heap in use with the node holding %d entries: %.1f MB (+%.1f MB, %.0f bytes an entry)%n",
        n, written / 1e6, (written - before) / 1e6, (written - before) / (double) n);
    node.close();
    node = null; // what the closed node held must not count below
    RaftNode restarted = start(dir);
    long last = restarted.status().lastIndex();
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> restarted.status().appliedIndex() >= last);
    long after = usedHeap();
    System.out.printf("heap in use after a restart (applied %d): %.1f MB (+%.1f MB, %.0f bytes an entry)%n",
        restarted.status().appliedIndex(), after / 1e6, (after - before) / 1e6, (after - before) / (double) n);
    if (Boolean.getBoolean("logheap.pause")) {
      System.out.println("paused for a class histogram (jcmd <pid> GC.class_histogram); press Enter");
      System.in.read();
    }
    restarted.close();
  }

  private static RaftNode start(Path dir) throws InterruptedException {
    RaftNode node = RaftNode.builder().nodeId("n1").voters(Set.of("n1")).store(MapDbLogStore.open(dir))
        .transport(new InMemoryNetwork().transport("n1")).stateMachine(new Nothing())
        .snapshotPolicy(SnapshotPolicy.NEVER).tick(Duration.ofMillis(10)).maxPendingRequests(100_000)
        .build().start();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(() -> node.status().role() == Role.LEADER);
    return node;
  }

  private static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    // Collect until the heap in use stops shrinking: what is left is live.
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = rt.totalMemory() - rt.freeMemory();
      if (now >= used) break;
      used = now;
    }
    return used;
  }

  /** A state machine that keeps nothing: the heap measured is the log's. */
  private static final class Nothing implements StateMachine {
    @Override
    public byte[] apply(long index, byte[] command) {
      return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
      return new byte[0];
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(long index, byte[] snapshot) {}
  }
}
