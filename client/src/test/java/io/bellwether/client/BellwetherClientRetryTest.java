package io.bellwether.client;

import static io.bellwether.client.FakeNode.error;
import static io.bellwether.client.FakeNode.putOk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: writes are retried only when that is safe, always with the one {@code Idempotency-Key} of the
 * call, and a failure says whether the write certainly did not happen or may have. Method: a {@link
 * FakeNode} scripts the answers; the assertions count and inspect what it received.
 */
class BellwetherClientRetryTest {

  static final byte[] V = "v".getBytes(StandardCharsets.UTF_8);
  /** Four attempts, backoff 1-5 ms: the budget is counted in attempts, fast. */
  static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMillis(5));

  final FakeNode node;
  BellwetherClient client;

  BellwetherClientRetryTest() throws Exception {
    node = new FakeNode();
  }

  @AfterEach
  void close() {
    if (client != null) client.close();
    node.close();
  }

  /** The builder every client of this test starts from; {@link ShortLivedClientRetryTest} changes it. */
  BellwetherClientBuilder builder() {
    return BellwetherClient.builder();
  }

  BellwetherClient client(String... urls) {
    client = builder().endpoints(urls).retry(FAST).requestTimeout(Duration.ofSeconds(5)).build();
    return client;
  }

  private String keyOf(int request) {
    return node.received.get(request).header("Idempotency-Key");
  }

  @Test
  void a503NoLeaderIsRetriedThenSucceeds() {
    node.then(error(503, "NO_LEADER"), error(503, "NOT_LEADER"), putOk("k", 7));
    WriteResult r = client(node.url()).put("k", V);
    assertThat(r.version()).isEqualTo(7);
    assertThat(r.node()).isEqualTo("n1");
    assertThat(node.received).hasSize(3);
    assertThat(keyOf(0)).isNotBlank().isEqualTo(keyOf(1)).isEqualTo(keyOf(2));
  }

  @Test
  void a504IsRetriedWithTheSameIdempotencyKey() {
    node.then(error(504, "OUTCOME_UNKNOWN"), putOk("k", 9));
    assertThat(client(node.url()).put("k", V).version()).isEqualTo(9);
    assertThat(node.received).hasSize(2);
    assertThat(keyOf(0)).hasSize(22).isEqualTo(keyOf(1)); // 128 bits, base64url without padding
  }

  @Test
  void a504ForeverIsOutcomeUnknownOnceTheBudgetIsSpent() {
    node.then(error(504, "OUTCOME_UNKNOWN"));
    assertThatThrownBy(() -> client(node.url()).put("k", V))
        .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> {
          assertThat(e.status()).isEqualTo(504);
          assertThat(e.code()).isEqualTo("OUTCOME_UNKNOWN");
          assertThat(e.idempotencyKey()).isEqualTo(keyOf(0));
        });
    assertThat(node.received).hasSize(4);
    assertThat(node.received).allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isEqualTo(keyOf(0)));
  }

  @Test
  void eachCallHasItsOwnKeyAndAGivenKeyIsSent() {
    node.then(putOk("k", 1));
    client(node.url()).put("k", V);
    client.put("k", V);
    client.put("k", V, PutOptions.none().withIdempotencyKey("mine"));
    assertThat(keyOf(0)).isNotEqualTo(keyOf(1));
    assertThat(keyOf(2)).isEqualTo("mine");
  }

  @Test
  void refusalsThatWouldRepeatAreNotRetried() {
    node.then(error(400, "INVALID_REQUEST"));
    assertThatThrownBy(() -> client(node.url()).put("k", V))
        .isExactlyInstanceOf(NotAppliedException.class).hasMessageContaining("INVALID_REQUEST");
    assertThat(node.received).hasSize(1);

    node.then(error(403, "FORBIDDEN"));
    assertThatThrownBy(() -> client.delete("k"))
        .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(node.received).hasSize(2);

    node.then(error(401, "UNAUTHENTICATED"));
    assertThatThrownBy(() -> client.get("k", Consistency.LINEARIZABLE)).isInstanceOf(AuthenticationException.class);
    assertThat(node.received).hasSize(3);
  }

  @Test
  void a503ThatIsNotTheNodesOwnMayHaveApplied() {
    // A proxy's 503 page: the write may have reached the leader behind it.
    node.then(FakeNode.raw(503, "text/plain", "Service Unavailable", Map.of()));
    assertThatThrownBy(() -> client(node.url()).put("k", V)).isInstanceOf(OutcomeUnknownException.class);
    assertThat(node.received).hasSize(4);
  }

  @Test
  void aCertainNoAfterAnAttemptThatMayHaveAppliedIsStillUnknown() {
    node.then(error(504, "OUTCOME_UNKNOWN"), error(503, "NO_LEADER"));
    assertThatThrownBy(() -> client(node.url()).put("k", V))
        .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> assertThat(e.code()).isEqualTo("NO_LEADER"));
  }

  @Test
  void retriesAlwaysEndingInCertainNoAreNotApplied() {
    node.then(error(429, "OVERLOADED"), error(503, "SHUTTING_DOWN"));
    assertThatThrownBy(() -> client(node.url()).put("k", V))
        .isExactlyInstanceOf(NotAppliedException.class).hasMessageContaining("after 4 attempts");
    assertThat(node.received).hasSize(4);
  }

  @Test
  void aConnectionBrokenAfterSendingIsRetriedWithTheSameKey() {
    node.then(FakeNode.hangUp(), putOk("k", 3));
    assertThat(client(node.url()).put("k", V).version()).isEqualTo(3);
    assertThat(node.received).hasSize(2);
    assertThat(keyOf(0)).isEqualTo(keyOf(1));
  }

  @Test
  void aTimeoutIsRetriedWithTheSameKey() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    node.then(ex -> {
      try {
        release.await(); // held until the client gave up on this attempt
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, putOk("k", 5));
    client = builder().endpoints(node.url()).retry(FAST).requestTimeout(Duration.ofMillis(300)).build();
    try {
      assertThat(client.put("k", V).version()).isEqualTo(5);
    } finally {
      release.countDown();
    }
    assertThat(keyOf(0)).isEqualTo(keyOf(1));
  }

  @Test
  void aRefusedConnectionMovesToTheNextEndpoint() throws Exception {
    String dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = "http://127.0.0.1:" + s.getLocalPort();
    }
    node.then(putOk("k", 2));
    assertThat(client(dead, node.url()).put("k", V).version()).isEqualTo(2);
    assertThat(node.received).hasSize(1);
    // The client stays on the node that worked.
    client.put("k", V);
    assertThat(node.received).hasSize(2);
  }

  @Test
  void noConnectionAtAllIsNotApplied() throws Exception {
    String dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = "http://127.0.0.1:" + s.getLocalPort();
    }
    assertThatThrownBy(() -> client(dead).put("k", V))
        .isExactlyInstanceOf(NotAppliedException.class).hasMessageContaining("cannot connect");
  }

  @Test
  void theTokenIsSentOnEveryRequest(@TempDir Path dir) throws Exception {
    node.then(putOk("k", 1));
    client = builder().endpoints(node.url()).token("s3cret").build();
    client.put("k", V);
    assertThat(node.received.get(0).header("Authorization")).isEqualTo("Bearer s3cret");
    client.close();

    Path file = dir.resolve("token");
    Files.writeString(file, "# the writer's token\n\n  t0ken  \n");
    client = builder().endpoints(node.url()).tokenFile(file).build();
    client.put("k", V);
    assertThat(node.received.get(1).header("Authorization")).isEqualTo("Bearer t0ken");
  }

  @Test
  void readsAreRetriedOnServerErrors() {
    node.then(error(500, "INTERNAL"), FakeNode.raw(502, "text/html", "<html>Bad Gateway</html>", Map.of()),
        FakeNode.raw(200, "application/octet-stream", "hello", Map.of("ETag", "\"4\"", "X-Bellwether-Node", "n2",
            "X-Bellwether-Applied-Index", "11", "X-Bellwether-Lease", "77")));
    KeyValue kv = client(node.url()).get("dir/k 1", Consistency.LEASE).orElseThrow();
    assertThat(kv.valueAsString()).isEqualTo("hello");
    assertThat(kv.version()).isEqualTo(4);
    assertThat(kv.lease()).isEqualTo(77);
    assertThat(kv.node()).isEqualTo("n2");
    assertThat(kv.appliedIndex()).isEqualTo(11);
    assertThat(node.received).hasSize(3);
    assertThat(node.received.get(2).uri()).isEqualTo("/v1/kv/dir/k%201?consistency=lease");
    assertThat(node.received.get(2).header("Idempotency-Key")).isNull();
  }
}
