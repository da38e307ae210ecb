package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.client.RetryPolicy;
import io.bellwether.client.recipes.DistributedLock;
import io.bellwether.client.recipes.LockHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: {@link DistributedLock} excludes: never two holders at once, holding intervals never overlap,
 * fencing tokens strictly increase in acquisition order, and a read-modify-write done under the lock
 * loses no update; a holder that dies blocks the lock for its lease's TTL and no longer; one whose lease
 * is revoked loses it at once and is told. Method: a 3-node cluster in this JVM, one client per
 * contender, their endpoint lists starting at different nodes.
 */
class DistributedLockTest {

  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3, Map.of("watch.heartbeat.interval", "500ms"));
    cluster.awaitLeader();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** A client whose first endpoint is node {@code first} (mod 3). */
  static BellwetherClient client(int first) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) urls.add(cluster.nodes.get((first + i) % 3).httpUrl());
    return BellwetherClient.builder().endpoints(urls.toArray(String[]::new))
        .retry(new RetryPolicy(50, Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(300))).build();
  }

  record Held(int client, long token, long acquiredAt, long releasedAt) {}

  @Test
  void fourContendersNeverHoldAtOnceAndTokensIncreaseInAcquisitionOrder() throws Exception {
    int contenders = 4;
    int rounds = 8;
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    ConcurrentLinkedQueue<Held> history = new ConcurrentLinkedQueue<>();
    List<BellwetherClient> clients = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      clients.add(client(0));
      clients.get(0).put("mutex-counter", ClientWatchTest.bytes("0"));
      List<Future<?>> runs = new ArrayList<>();
      for (int c = 0; c < contenders; c++) {
        BellwetherClient client = c == 0 ? clients.get(0) : client(c);
        if (c > 0) clients.add(client);
        int id = c;
        DistributedLock lock = new DistributedLock(client, "mutex", Duration.ofSeconds(5));
        runs.add(pool.submit(() -> {
          for (int r = 0; r < rounds; r++) {
            LockHandle h = lock.acquire(Duration.ofSeconds(30));
            long acquiredAt = System.nanoTime();
            int now = holders.incrementAndGet();
            maxHolders.accumulateAndGet(now, Math::max);
            // Hold it: an unconditional read-modify-write, which loses updates unless excluded.
            long n = Long.parseLong(client.get("mutex-counter", Consistency.LINEARIZABLE).orElseThrow().valueAsString());
            client.put("mutex-counter", ClientWatchTest.bytes(Long.toString(n + 1)));
            assertThat(h.isHeld()).isTrue();
            long releasedAt = System.nanoTime();
            holders.decrementAndGet();
            history.add(new Held(id, h.fencingToken(), acquiredAt, releasedAt));
            h.release();
          }
          return null;
        }));
      }
      for (Future<?> f : runs) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    try {
      List<Held> ordered = new ArrayList<>(history);
      ordered.sort(Comparator.comparingLong(Held::acquiredAt));
      System.out.println("DistributedLockTest: " + ordered.size() + " acquisitions, tokens "
          + ordered.stream().map(Held::token).toList());
      assertThat(maxHolders).hasValue(1);
      assertThat(ordered).hasSize(contenders * rounds);
      for (int i = 1; i < ordered.size(); i++) {
        assertThat(ordered.get(i).acquiredAt()).as("acquired after the previous release").isGreaterThan(ordered.get(i - 1).releasedAt());
        assertThat(ordered.get(i).token()).as("tokens increase").isGreaterThan(ordered.get(i - 1).token());
      }
      assertThat(ordered.stream().map(Held::client).distinct()).hasSize(contenders);
      assertThat(clients.get(0).get("mutex-counter", Consistency.LINEARIZABLE).orElseThrow().valueAsString())
          .isEqualTo(Integer.toString(contenders * rounds));
      assertThat(clients.get(0).scan("mutex/", 10, Consistency.LINEARIZABLE).entries()).as("no key left").isEmpty();
    } finally {
      clients.forEach(BellwetherClient::close);
    }
  }

  @Test
  void aDeadHoldersLockPassesToTheNextWaiterOnceItsTtlRanOutNotBefore() throws Exception {
    BellwetherClient dying = client(0);
    try (BellwetherClient waiter = client(1)) {
      LockHandle held = new DistributedLock(dying, "dead", Duration.ofSeconds(2)).acquire(Duration.ofSeconds(5));
      CompletableFuture<LockHandle> next = CompletableFuture.supplyAsync(() -> {
        try {
          return new DistributedLock(waiter, "dead", Duration.ofSeconds(2)).acquire(Duration.ofSeconds(20));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> waiter.scan("dead/", 10, Consistency.LINEARIZABLE).entries().size() == 2);
      Duration guaranteed = held.lease().guaranteedFor();
      long died = System.nanoTime();
      dying.close(); // no release, no revocation: its keepalives just stop
      LockHandle taken = next.get(20, TimeUnit.SECONDS);
      Duration after = Duration.ofNanos(System.nanoTime() - died);
      System.out.println("DistributedLockTest: lock passed " + after.toMillis() + " ms after the holder died ("
          + guaranteed.toMillis() + " ms of its lease were guaranteed)");
      assertThat(after).as("not before the dead holder's lease could expire").isGreaterThanOrEqualTo(guaranteed);
      assertThat(after).isLessThan(Duration.ofSeconds(2).plusSeconds(3));
      assertThat(held.isHeld()).isFalse();
      assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
      taken.release();
    }
  }

  @Test
  void aHolderWhoseLeaseIsRevokedLosesTheLockAtOnceAndIsTold() throws Exception {
    try (BellwetherClient a = client(0); BellwetherClient b = client(2); BellwetherClient admin = client(1)) {
      LockHandle held = new DistributedLock(a, "revoked", Duration.ofSeconds(6)).acquire(Duration.ofSeconds(5));
      AtomicInteger told = new AtomicInteger();
      held.onLost(told::incrementAndGet);
      CompletableFuture<LockHandle> next = CompletableFuture.supplyAsync(() -> {
        try {
          return new DistributedLock(b, "revoked", Duration.ofSeconds(6)).acquire(Duration.ofSeconds(20));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> b.scan("revoked/", 10, Consistency.LINEARIZABLE).entries().size() == 2);
      assertThat(next).isNotDone();
      long revoked = System.nanoTime();
      admin.leases().revoke(held.lease().id());
      LockHandle taken = next.get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - revoked)).as("long before the 6 s TTL").isLessThan(Duration.ofSeconds(3));
      await().atMost(Duration.ofSeconds(15)).until(() -> told.get() == 1); // at the lease's next keepalive
      assertThat(held.isHeld()).isFalse();
      assertThat(taken.isHeld()).isTrue();
      taken.release();
      held.release(); // harmless now
    }
  }
}
