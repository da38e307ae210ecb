package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.client.Lease;
import io.bellwether.client.PutOptions;
import io.bellwether.client.Watch;
import io.bellwether.client.WatchEvent;
import io.bellwether.client.WatchListener;
import io.bellwether.client.WatchRequest;
import io.bellwether.client.recipes.DistributedLock;
import io.bellwether.client.recipes.LeaderElection;
import io.bellwether.client.recipes.LockHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: client/README.md's examples run as written. Each method holds one example verbatim (checked
 * by {@link ClientReadmeTest}) between its setup and checks. Method: a single-node cluster in this JVM.
 */
class ClientReadmeExamplesTest {

  static TestCluster cluster;
  static BellwetherClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(1, Map.of());
    client = BellwetherClient.builder().endpoints(cluster.awaitLeader().httpUrl()).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
  }

  @Test
  void watch() {
    Watch watch = client.watch(WatchRequest.prefix("config/").fromIndex(1), new WatchListener() {
      @Override
      public void onEvent(WatchEvent e) {
        System.out.println(e.type() + " " + e.key() + " = " + e.valueAsString() + " at index " + e.index());
      }

      @Override
      public void onCompacted(long oldestIndex) {
        System.out.println("changes are gone from the history: read config/ again, then watch from there");
      }
    });
    client.put("config/mode", "fast".getBytes(StandardCharsets.UTF_8));
    // ... the listener prints "PUT config/mode = fast at index ..." on the watch's thread
    watch.close();
    assertThat(watch.isRunning()).isFalse();
    assertThat(client.get("config/mode", Consistency.LINEARIZABLE)).isPresent();
  }

  @Test
  void lease() {
    Lease lease = client.leases().grant(Duration.ofSeconds(10)); // kept alive every ~3 s from now on
    lease.onLost(() -> System.err.println("lease " + lease.id() + " lost: " + lease.lostReason()));
    client.put("workers/w1", "busy".getBytes(StandardCharsets.UTF_8), PutOptions.none().withLease(lease.id()));
    // ... workers/w1 exists while this process keeps the lease alive, and goes when it stops
    lease.close(); // stops the keepalives and revokes the lease: workers/w1 is deleted now
    assertThat(lease.isAlive()).isFalse();
    assertThat(client.get("workers/w1", Consistency.LINEARIZABLE)).isEmpty();
  }

  @Test
  void lock() throws Exception {
    DistributedLock lock = new DistributedLock(client, "locks/report", Duration.ofSeconds(10));
    LockHandle handle = lock.acquire(Duration.ofSeconds(30)); // TimeoutException if not ours by then
    try {
      // Hand the fencing token to what the lock protects, so that it can refuse an older holder.
      client.put("report/writer", Long.toString(handle.fencingToken()).getBytes(StandardCharsets.UTF_8));
    } finally {
      handle.release();
    }
    assertThat(handle.isHeld()).isFalse();
    assertThat(client.get("report/writer", Consistency.LINEARIZABLE).orElseThrow().valueAsString())
        .isEqualTo(Long.toString(handle.fencingToken()));
  }

  @Test
  void election() throws Exception {
    LeaderElection election = new LeaderElection(client, "elections/scheduler", Duration.ofSeconds(10));
    Watch observer = election.observe(leader -> System.out.println("leader: " + leader.orElse("nobody")));
    LockHandle term = election.campaign("scheduler-a", Duration.ofMinutes(1)); // blocks until elected
    System.out.println("leading in term " + term.fencingToken() + " as " + election.leader().orElseThrow());
    election.resign(); // the next candidate takes over
    observer.close();
    assertThat(election.leader()).isEmpty();
    assertThat(election.isLeader()).isFalse();
  }
}
