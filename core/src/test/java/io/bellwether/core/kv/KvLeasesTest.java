package io.bellwether.core.kv;

// Goal: KvLeases on a real node grants, attaches, keeps alive, expires exactly when the leader's clock
// says (not before) and revokes, with each key gone in the same entry as its lease.
// Method: a single-node RaftNode with in-memory parts; the keeper's clock is a counter the test moves
// (expireDue called by hand), and once with the real clock, a 1 s lease and the expiry loop running.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.ReadConsistency;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KvLeasesTest {

  private static final long SECOND = 1_000_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final InMemoryNetwork network = new InMemoryNetwork();
  private RaftNode node;
  private KvLeases leases;
  private KvClient kv;

  private void start(LongSupplier nanoTime) {
    KvStateMachine sm = new KvStateMachine();
    LeaseKeeper keeper = new LeaseKeeper(nanoTime, SECOND / 2);
    sm.addListener(keeper);
    node = RaftNode.builder().nodeId("n1").voters(Set.of("n1")).store(new InMemoryLogStore())
        .transport(network.transport("n1")).stateMachine(sm).tick(Duration.ofMillis(10)).build().start();
    leases = new KvLeases(node, keeper, Clock.systemUTC());
    kv = new KvClient(node);
    await().atMost(DEADLINE).until(() -> node.status().role() == Role.LEADER);
  }

  @AfterEach
  void stop() {
    if (leases != null) leases.close();
    if (node != null) node.close();
    network.close();
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  private boolean exists(long id) throws Exception {
    return !get(node.query(new KvQuery.LeaseGet(id).encode(), ReadConsistency.LINEARIZABLE, 0)
        .thenApply(r -> LeaseQueryResult.decode(r.result()).leases())).isEmpty();
  }

  @Test
  void aLeaseLivesItsTtlFromItsLastKeepaliveAndTakesItsKeysWithIt() throws Exception {
    AtomicLong now = new AtomicLong(0);
    start(now::get);
    KvLeases.Grant grant = get(leases.grant(10, null));
    assertThat(grant.id()).isEqualTo(grant.index());
    assertThat(get(kv.put("a", new byte[] {1}, WriteOptions.NONE.withLease(grant.id()))).status())
        .isEqualTo(KvResult.Status.OK);
    assertThat(get(kv.put("b", new byte[] {1}, WriteOptions.NONE.withLease(grant.id()))).status())
        .isEqualTo(KvResult.Status.OK);
    assertThat(get(kv.get("a")).lease()).isEqualTo(grant.id());
    assertThat(get(leases.info(grant.id())).keys()).containsExactly("a", "b");

    now.addAndGet(9 * SECOND);
    assertThat(get(leases.keepAlive(grant.id()))).isEqualTo(LeaseKeeper.KeepAlive.RENEWED);
    now.addAndGet(10 * SECOND - 1);
    leases.expireDue();
    assertThat(get(leases.info(grant.id())).remainingMillis()).isZero(); // 1 ns left
    assertThat(exists(grant.id())).as("not expired a nanosecond before its deadline").isTrue();
    assertThat(get(kv.get("a")).found()).isTrue();

    now.addAndGet(1);
    assertThat(get(leases.keepAlive(grant.id()))).as("due: no keepalive any more")
        .isEqualTo(LeaseKeeper.KeepAlive.NOT_FOUND);
    leases.expireDue();
    await().atMost(DEADLINE).until(() -> !exists(grant.id()));
    assertThat(get(kv.get("a")).found()).isFalse();
    assertThat(get(kv.get("b")).found()).isFalse();
    assertThat(get(leases.info(grant.id()))).isNull();
    assertThat(get(leases.keepAlive(grant.id()))).isEqualTo(LeaseKeeper.KeepAlive.NOT_FOUND);
  }

  @Test
  void revokeDeletesTheKeysAndAPutNamingItIsRefused() throws Exception {
    start(System::nanoTime);
    long id = get(leases.grant(60, "grant-1")).id();
    assertThat(get(leases.grant(60, "grant-1")).id()).as("a retried grant").isEqualTo(id);
    get(kv.put("a", new byte[] {1}, WriteOptions.NONE.withLease(id)));
    assertThat(get(leases.list(10, ReadConsistency.LINEARIZABLE)).leases()).extracting(l -> l.id())
        .containsExactly(id);
    LeaseResult revoked = get(leases.revoke(id, null));
    assertThat(revoked.ok()).isTrue();
    assertThat(revoked.keysDeleted()).isEqualTo(1);
    assertThat(get(kv.get("a")).found()).isFalse();
    assertThat(get(leases.revoke(id, null)).status()).isEqualTo(LeaseResult.Status.NOT_FOUND);
    assertThat(get(kv.put("a", new byte[] {1}, WriteOptions.NONE.withLease(id))).status())
        .isEqualTo(KvResult.Status.LEASE_NOT_FOUND);
    assertThat(get(kv.get("a")).found()).isFalse();
    Throwable refused = leases.grant(0, null).handle((g, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(RequestFailedException.class);
  }

  @Test
  void aOneSecondLeaseExpiresAfterASecondWithTheRealClock() throws Exception {
    start(System::nanoTime);
    leases.startExpiry(Duration.ofMillis(20));
    long granted = System.nanoTime();
    long id = get(leases.grant(1, null)).id();
    get(kv.put("k", new byte[] {1}, WriteOptions.NONE.withLease(id)));
    await().atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> !get(kv.get("k")).found());
    long tookMillis = (System.nanoTime() - granted) / 1_000_000;
    assertThat(tookMillis).as("expired after a full TTL, and soon after").isBetween(1_000L, 4_000L);
    assertThat(exists(id)).isFalse();
  }

  @Test
  void anExpiryIntervalOutsideAMillisecondToAMinuteIsRefused() throws Exception {
    start(System::nanoTime);
    assertThatThrownBy(() -> leases.startExpiry(Duration.ofNanos(10))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 ms to 1 min");
    assertThatThrownBy(() -> leases.startExpiry(Duration.ofMinutes(2))).isInstanceOf(IllegalArgumentException.class);
    leases.startExpiry(Duration.ofMillis(100));
    assertThatThrownBy(() -> leases.startExpiry(Duration.ofMillis(100))).isInstanceOf(IllegalStateException.class);
  }
}
