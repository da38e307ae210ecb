package io.bellwether.client;

import static io.bellwether.client.FakeNode.error;
import static io.bellwether.client.FakeNode.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Goal: a granted lease is kept alive every TTL/3 by itself; it is declared lost (isAlive false, the
 * callback once) when a keepalive meets 404, or when none succeeded for a whole TTL from the grant's
 * send (not sooner); close stops the keepalives and revokes. Method: a {@link FakeNode}.
 */
class LeaseTest {

  final FakeNode node;
  final BellwetherClient client;
  final AtomicInteger lostCalls = new AtomicInteger();
  final AtomicLong lostAt = new AtomicLong();

  LeaseTest() throws Exception {
    node = new FakeNode();
    client = BellwetherClient.builder().endpoints(node.url()).retry(BellwetherClientRetryTest.FAST).build();
  }

  @AfterEach
  void close() {
    client.close();
    node.close();
  }

  static FakeNode.Answer granted(long id, int ttl) {
    return json(200, "{\"id\":" + id + ",\"ttlSeconds\":" + ttl + ",\"index\":" + id + "}");
  }

  long keepalives(long id) {
    return node.received.stream().filter(r -> r.uri().equals("/v1/leases/" + id + "/keepalive")).count();
  }

  void countLost(Lease lease) {
    lease.onLost(() -> {
      lostAt.set(System.nanoTime());
      lostCalls.incrementAndGet();
    });
  }

  @Test
  void keepsItselfAliveEveryThirdOfItsTtlUntilA404ThenIsLostOnce() {
    node.then(granted(7, 1), json(200, "{\"id\":7,\"ttlSeconds\":1}"));
    long start = System.nanoTime();
    Lease lease = client.leases().grant(Duration.ofSeconds(1));
    countLost(lease);
    assertThat(new String(node.received.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("{\"ttlSeconds\":1}");
    assertThat(lease.id()).isEqualTo(7);
    assertThat(lease.ttl()).isEqualTo(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(5)).until(() -> keepalives(7) >= 4);
    // 4 keepalives every ~333 ms: about 1.3 s; well past the 1 s TTL, so it lives only through them.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1200));
    assertThat(lease.isAlive()).isTrue();
    assertThat(lostCalls).hasValue(0);

    node.then(error(404, "LEASE_NOT_FOUND"));
    await().atMost(Duration.ofSeconds(3)).until(() -> lostCalls.get() == 1);
    assertThat(lease.isAlive()).isFalse();
    assertThat(lease.lostReason()).contains("LEASE_NOT_FOUND");
    long after = keepalives(7);
    await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> keepalives(7) == after);
    assertThat(lostCalls).hasValue(1);
    AtomicInteger late = new AtomicInteger();
    lease.onLost(late::incrementAndGet);
    assertThat(late).as("a callback added once lost runs at once").hasValue(1);
  }

  @Test
  void isLostATtlAfterTheGrantWasSentWhenNoKeepaliveSucceedsAndNotBefore() {
    node.then(granted(8, 1), error(503, "NO_LEADER"));
    long sent = System.nanoTime();
    Lease lease = client.leases().grant(Duration.ofSeconds(1));
    countLost(lease);
    assertThat(lease.isAlive()).isTrue();
    await().atMost(Duration.ofSeconds(3)).until(() -> lostCalls.get() == 1);
    long lostAfter = lostAt.get() - sent;
    assertThat(Duration.ofNanos(lostAfter)).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofMillis(1500));
    assertThat(lease.isAlive()).isFalse();
    assertThat(lease.lostReason()).contains("no keepalive succeeded");
  }

  @Test
  void closeStopsTheKeepalivesAndRevokesWithoutCallingLost() {
    node.then(granted(9, 2), json(200, "{\"id\":9,\"revoked\":true,\"index\":12,\"keysDeleted\":2}"));
    Lease lease = client.leases().grant(Duration.ofMillis(1500)); // rounded up to 2 s
    countLost(lease);
    assertThat(new String(node.received.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("{\"ttlSeconds\":2}");
    lease.close();
    assertThat(node.received.get(1).method()).isEqualTo("DELETE");
    assertThat(node.received.get(1).uri()).isEqualTo("/v1/leases/9");
    assertThat(node.received.get(1).header("Idempotency-Key")).isNotNull();
    assertThat(lease.isAlive()).isFalse();
    await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(2)).until(() -> node.received.size() == 2);
    assertThat(lostCalls).hasValue(0);
  }

  @Test
  void getListRevokeAndKeepAliveOnceReadTheAnswers() {
    node.then(json(200, "{\"id\":5,\"ttlSeconds\":10,\"remainingMillis\":8500,\"keys\":[\"a\",\"b\"]}"),
        error(404, "LEASE_NOT_FOUND"),
        json(200, "{\"leases\":[{\"id\":5,\"ttlSeconds\":10},{\"id\":6,\"ttlSeconds\":20}],\"more\":false}"),
        json(200, "{\"id\":6,\"revoked\":false,\"index\":40,\"keysDeleted\":0}"),
        json(200, "{\"id\":5,\"ttlSeconds\":10}"),
        error(404, "LEASE_NOT_FOUND"));
    assertThat(client.leases().get(5)).contains(new LeaseInfo(5, 10, 8500, List.of("a", "b")));
    assertThat(client.leases().get(6)).isEmpty();
    assertThat(client.leases().list()).extracting(LeaseInfo::id).containsExactly(5L, 6L);
    assertThat(client.leases().revoke(6)).isEqualTo(new LeaseRevocation(6, false, 40, 0));
    assertThat(client.leases().keepAliveOnce(5)).isTrue();
    assertThat(client.leases().keepAliveOnce(5)).isFalse();
    assertThat(node.received.get(2).uri()).isEqualTo("/v1/leases?limit=10000&consistency=stale");
    assertThat(node.received.get(4).method()).isEqualTo("POST");
  }
}
