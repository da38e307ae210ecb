package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Consistency;
import io.bellwether.client.Lease;
import io.bellwether.client.LeaseInfo;
import io.bellwether.client.NotAppliedException;
import io.bellwether.client.PutOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Goal: the Java client's leases against a real cluster: a 1 s lease it keeps alive by itself outlives
 * its TTL several times over with its key; once the client stops (closed without revoking) the key
 * goes with the lease; a lease revoked by someone else is reported lost at its next keepalive; get and
 * list see it. Method: a 3-node cluster in this JVM, clients given a follower first.
 */
class ClientLeaseTest {

  static TestCluster cluster;
  static String[] urls;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3, Map.of());
    BellwetherNode leader = cluster.awaitLeader();
    BellwetherNode follower = cluster.aFollower();
    urls = new String[] {follower.httpUrl(), leader.httpUrl()};
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  static BellwetherClient client() {
    return BellwetherClient.builder().endpoints(urls).build();
  }

  static boolean exists(BellwetherClient c, String key) {
    return c.get(key, Consistency.LINEARIZABLE).isPresent();
  }

  @Test
  void aKeptLeaseOutlivesItsTtlAndItsKeyGoesOnceTheClientStops() {
    BellwetherClient reader = client();
    BellwetherClient owner = client();
    try (reader) {
      Lease lease = owner.leases().grant(Duration.ofSeconds(1));
      owner.put("kept", ClientWatchTest.bytes("v"), PutOptions.none().withLease(lease.id()));
      assertThat(reader.get("kept", Consistency.LINEARIZABLE).orElseThrow().lease()).isEqualTo(lease.id());
      // Three TTLs: only the automatic keepalives keep it.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> exists(reader, "kept"));
      assertThat(lease.isAlive()).isTrue();
      LeaseInfo info = reader.leases().get(lease.id()).orElseThrow();
      assertThat(info.keys()).containsExactly("kept");
      assertThat(info.remainingMillis()).isBetween(1L, 1000L);
      assertThat(reader.leases().list()).extracting(LeaseInfo::id).contains(lease.id());

      long closed = System.nanoTime();
      owner.close(); // keepalives stop; no revocation
      await().atMost(Duration.ofSeconds(4)).until(() -> !exists(reader, "kept"));
      assertThat(Duration.ofNanos(System.nanoTime() - closed)).isGreaterThan(Duration.ofMillis(500));
      assertThat(reader.leases().get(lease.id())).isEmpty();
      assertThat(reader.leases().keepAliveOnce(lease.id())).isFalse();
      Assertions.assertThatThrownBy(() -> reader.put("late", ClientWatchTest.bytes("v"), PutOptions.none().withLease(lease.id())))
          .isInstanceOfSatisfying(NotAppliedException.class, e -> assertThat(e.code()).isEqualTo("LEASE_NOT_FOUND"));
    }
  }

  @Test
  void aLeaseRevokedBySomeoneElseIsLostAtItsNextKeepaliveAndRevokeDeletesItsKeys() {
    try (BellwetherClient owner = client(); BellwetherClient other = client()) {
      Lease lease = owner.leases().grant(Duration.ofSeconds(3));
      AtomicInteger lost = new AtomicInteger();
      lease.onLost(lost::incrementAndGet);
      assertThat(other.leases().revoke(lease.id()).revoked()).isTrue();
      // The next keepalive (every second) meets 404.
      await().atMost(Duration.ofSeconds(3)).until(() -> lost.get() == 1);
      assertThat(lease.isAlive()).isFalse();
      assertThat(lease.lostReason()).contains("LEASE_NOT_FOUND");

      Lease second = owner.leases().grant(Duration.ofSeconds(30));
      owner.put("revoked/a", ClientWatchTest.bytes("v"), PutOptions.none().withLease(second.id()));
      owner.put("revoked/b", ClientWatchTest.bytes("v"), PutOptions.none().withLease(second.id()));
      assertThat(second.revoke().keysDeleted()).isEqualTo(2);
      assertThat(exists(other, "revoked/a") || exists(other, "revoked/b")).isFalse();
      assertThat(second.isAlive()).isFalse();
    }
  }
}
