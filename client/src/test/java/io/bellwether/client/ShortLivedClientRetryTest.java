package io.bellwether.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Goal: a short-lived client ({@link ShortLivedHttp}, for command-line tools) gives the same answers
 * and exceptions as the default one: every test of {@link BellwetherClientRetryTest} runs again on
 * it. And the two ways {@code HttpURLConnection} differs from the JDK's HTTP client do not leak: it
 * never sends a write a second time on its own, and a 401 whose body it drops is still "not applied".
 */
class ShortLivedClientRetryTest extends BellwetherClientRetryTest {

  ShortLivedClientRetryTest() throws Exception {
    super();
  }

  @Override
  BellwetherClientBuilder builder() {
    return BellwetherClient.builder().shortLived();
  }

  @Test
  void aWriteWhoseConnectionBreaksIsSentOnceAndItsOutcomeIsUnknown() {
    node.then(FakeNode.hangUp());
    client = builder().endpoints(node.url()).retry(RetryPolicy.none()).build();
    assertThatThrownBy(() -> client.put("k", V)).isExactlyInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> client.delete("k")).isExactlyInstanceOf(OutcomeUnknownException.class);
    // HttpURLConnection resends a buffered request once when the connection breaks; a streamed one never.
    assertThat(node.received).hasSize(2);
  }

  @Test
  void aRefusalForCredentialsIsNotAppliedEvenWithoutItsBody() {
    node.then(FakeNode.json(401, "{\"error\":\"UNAUTHENTICATED\",\"message\":\"a bearer token is required\"}",
        Map.of("WWW-Authenticate", "Bearer realm=\"bellwether\"")));
    client = builder().endpoints(node.url()).retry(RetryPolicy.none()).build();
    assertThatThrownBy(() -> client.put("k", V)).isExactlyInstanceOf(AuthenticationException.class)
        .hasMessageContaining("401");
    assertThat(node.received).hasSize(1);
  }

  @Test
  void aShortLivedClientCannotWatch() {
    client = builder().endpoints(node.url()).requestTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> client.watch(WatchRequest.prefix("k"), event -> {}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("short-lived");
  }

  @Test
  void oneEndpointAsksNobodyWhoLeads() {
    // A write answered by another node names the leader; with one endpoint there is nowhere to move,
    // so the client must not spend a GET /v1/cluster finding out.
    node.then(FakeNode.json(200, "{\"key\":\"k\",\"version\":2,\"index\":2}",
        Map.of("X-Bellwether-Node", "n3", "X-Bellwether-Applied-Index", "2")));
    client(node.url()).put("k", V);
    assertThat(node.clusterLookups.get()).isZero();
    assertThat(node.received).hasSize(1);
  }
}
