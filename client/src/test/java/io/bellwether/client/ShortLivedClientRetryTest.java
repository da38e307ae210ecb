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
    FakeNode.Answer refusal = FakeNode.json(401, "{\"error\":\"UNAUTHENTICATED\",\"message\":\"no such token\"}",
        Map.of("WWW-Authenticate", "Bearer realm=\"bellwether\""));
    node.then(refusal);
    client = builder().endpoints(node.url()).retry(RetryPolicy.none()).build();
    // HttpURLConnection drops the body of a 401 to a streamed PUT; a GET fetches the node's reason.
    assertThatThrownBy(() -> client.put("k", V)).isExactlyInstanceOf(AuthenticationException.class)
        .hasMessageContaining("401").hasMessageContaining("UNAUTHENTICATED").hasMessageContaining("no such token");
    assertThat(node.received).extracting(FakeNode.Received::method).containsExactly("PUT", "GET");

    // And without the reason (the GET is not refused the same way), a 401 is still certainly not applied.
    node.then(refusal, FakeNode.json(404, "{\"error\":\"NOT_FOUND\",\"message\":\"no key\"}"));
    assertThatThrownBy(() -> client.put("k", V)).isExactlyInstanceOf(AuthenticationException.class)
        .hasMessageContaining("401").hasMessageNotContaining("NOT_FOUND");
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
