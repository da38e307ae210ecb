package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.CasResult;
import io.bellwether.client.Consistency;
import io.bellwether.client.KeyValue;
import io.bellwether.client.RetryPolicy;
import io.bellwether.client.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Goal: the Java client rides out the loss of the leader: writes in flight when it stops eventually
 * succeed through the other nodes, and each applies exactly once (its version is the one its answer
 * reported; a CAS counter ends at the number of increments that succeeded). Method: a 3-node cluster
 * in this JVM, one client given all three nodes, a writer thread, and the leader closed mid-run.
 */
class ClientFailoverTest {

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesSurviveTheLeadersStopAndApplyOnce() throws Exception {
    try (TestCluster cluster = TestCluster.start(3, Map.of())) {
      BellwetherNode leader = cluster.awaitLeader();
      // The stopped leader is listed first: the client must move off it.
      List<String> urls = new ArrayList<>();
      urls.add(leader.httpUrl());
      cluster.nodes.stream().filter(n -> n != leader).forEach(n -> urls.add(n.httpUrl()));
      RetryPolicy patient = new RetryPolicy(100, Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(500));
      try (BellwetherClient client = BellwetherClient.builder().endpoints(urls.toArray(String[]::new)).retry(patient)
          .requestTimeout(Duration.ofSeconds(4)).build()) {
        assertThat(client.put("counter", bytes("0")).version()).isPositive();

        Map<String, WriteResult> written = new ConcurrentHashMap<>();
        AtomicInteger increments = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
          try {
            for (int i = 0; i < 60; i++) {
              written.put("k" + i, client.put("k" + i, bytes("v" + i)));
              increment(client);
              increments.incrementAndGet();
            }
          } catch (Throwable t) {
            failure.set(t);
          }
        }, "client-writer");
        writer.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> written.size() >= 15 || failure.get() != null);
        leader.close();
        writer.join(Duration.ofSeconds(60).toMillis());
        assertThat(failure.get()).as("writer failure").isNull();
        assertThat(written).hasSize(60);

        for (Map.Entry<String, WriteResult> e : written.entrySet()) {
          KeyValue kv = client.get(e.getKey(), Consistency.LINEARIZABLE).orElseThrow();
          // Applied once: a second application would have given the key a later version.
          assertThat(kv.version()).as(e.getKey()).isEqualTo(e.getValue().version());
          assertThat(kv.node()).isNotEqualTo(leader.nodeId());
        }
        KeyValue counter = client.get("counter", Consistency.LEASE).orElseThrow();
        assertThat(counter.valueAsString()).isEqualTo(Integer.toString(increments.get()));

        List<String> scanned = new ArrayList<>();
        client.scanAll("k", 100, Consistency.STALE).forEach(kv -> scanned.add(kv.key()));
        assertThat(scanned).hasSize(60);
        assertThat(client.delete("k0").deleted()).isTrue();
        assertThat(client.delete("k0").deleted()).isFalse();
        assertThat(client.get("k0", Consistency.LINEARIZABLE)).isEmpty();
        assertThat(client.compareAndSet("k1", 1, bytes("x")).matched()).isFalse();
      }
    }
  }

  /** Adds one to the counter with compare-and-set, rereading on a mismatch. */
  private static void increment(BellwetherClient client) {
    while (true) {
      KeyValue now = client.get("counter", Consistency.LINEARIZABLE).orElseThrow();
      long next = Long.parseLong(now.valueAsString()) + 1;
      CasResult r = client.compareAndSet("counter", now.version(), bytes(Long.toString(next)));
      if (r.matched()) return;
    }
  }
}
