package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Goal: a write a follower forwards is answered "certainly did not happen" (4xx, 503) only when the
 * leader said so itself; every other ending of the forward, once the request may have reached the
 * leader, is 504 (it may have happened). Method: a 3-node cluster in this JVM in which every node
 * believes every other node's HTTP address is a {@link FakeHttpServer}, so whatever the leader is,
 * a follower forwards to the fake, whose answer each test scripts.
 */
class ForwardedWriteOutcomeTest {

  static FakeHttpServer fakeLeader;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    fakeLeader = new FakeHttpServer();
    // request.timeout 1s: a forward that gets no answer gives up after 2s (timeout + 1s).
    cluster = TestCluster.start(3, Map.of("request.timeout", "1s"), (self, other) -> fakeLeader.address());
    cluster.awaitLeader();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
    if (fakeLeader != null) fakeLeader.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    fakeLeader.received.clear();
  }

  private static HttpResponse<String> putThroughAFollower(String key) throws Exception {
    return Http.put(cluster.aFollower().httpUrl() + "/v1/kv/" + key, "value", "Idempotency-Key", "req-" + key);
  }

  /** The forward reached the (fake) leader: the write may have been carried out there. */
  private static void assertTheLeaderGotIt(String key) throws InterruptedException {
    assertThat(fakeLeader.received.poll(5, TimeUnit.SECONDS)).isEqualTo("PUT /v1/kv/" + key + " HTTP/1.1");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      // A leader's bug: was relayed as 500, which a client reads as "failed".
      "500 | application/json | {\"error\":\"INTERNAL\",\"message\":\"java.lang.IllegalStateException\"}",
      // A proxy in front of the leader: it may have passed the request on before failing.
      "502 | text/html        | <html><body>Bad Gateway</body></html>",
      "503 | text/plain       | upstream connect error or disconnect/reset before headers",
      // A "did not happen" status, but not in Bellwether's words.
      "400 | text/plain       | Bad Request",
      // A status the API never uses, even in Bellwether's format.
      "408 | application/json | {\"error\":\"REQUEST_TIMEOUT\",\"message\":\"slow\"}",
  })
  void anAnswerThatIsNotTheLeadersOwnVerdictIsOutcomeUnknown(int status, String contentType, String body)
      throws Exception {
    fakeLeader.behave(FakeHttpServer.respond(status, contentType, body));
    String key = "unsure-" + status;
    HttpResponse<String> r = putThroughAFollower(key);
    assertTheLeaderGotIt(key);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
    JsonObject json = new JsonObject(r.body());
    assertThat(json.getString("error")).isEqualTo("OUTCOME_UNKNOWN");
    assertThat(json.getString("message")).contains("HTTP " + status);
  }

  @Test
  void theLeadersOwnAnswersArePassedOnAsTheyAre() throws Exception {
    String notLeader = "{\"error\":\"NOT_LEADER\",\"message\":\"not the leader; leader is n9\",\"leader\":\"n9\"}";
    fakeLeader.behave(FakeHttpServer.respond(503, "application/json", notLeader));
    HttpResponse<String> r = putThroughAFollower("relay-503");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(r.body()).getString("leader")).isEqualTo("n9");

    String mismatch = "{\"error\":\"VERSION_MISMATCH\",\"message\":\"no\",\"key\":\"k\",\"currentVersion\":7}";
    fakeLeader.behave(FakeHttpServer.respond(412, "application/json", mismatch));
    assertThat(putThroughAFollower("relay-412").statusCode()).isEqualTo(412);

    fakeLeader.behave(FakeHttpServer.respond(429, "application/json", "{\"error\":\"OVERLOADED\",\"message\":\"busy\"}"));
    assertThat(putThroughAFollower("relay-429").statusCode()).isEqualTo(429);

    fakeLeader.behave(FakeHttpServer.respond(200, "application/json", "{\"key\":\"k\",\"version\":5,\"index\":5}"));
    HttpResponse<String> ok = putThroughAFollower("relay-200");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getLong("version")).isEqualTo(5);

    fakeLeader.behave(FakeHttpServer.respond(504, "application/json", "{\"error\":\"OUTCOME_UNKNOWN\",\"message\":\"?\"}"));
    assertThat(putThroughAFollower("relay-504").statusCode()).isEqualTo(504);
  }

  @Test
  void aConnectionThatBreaksAfterTheRequestWasSentIsOutcomeUnknown() throws Exception {
    fakeLeader.behave(FakeHttpServer.closeAfterReading());
    HttpResponse<String> r = putThroughAFollower("broken");
    assertTheLeaderGotIt("broken");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("OUTCOME_UNKNOWN");
  }

  @Test
  void aForwardedLeaderTransferFollowsTheSameRules() throws Exception {
    String url = cluster.aFollower().httpUrl() + "/v1/leader/transfer";
    fakeLeader.behave(FakeHttpServer.respond(502, "text/html", "<html><body>Bad Gateway</body></html>"));
    HttpResponse<String> r = Http.send("POST", url, "{\"to\": \"n1\"}");
    assertThat(fakeLeader.received.poll(5, TimeUnit.SECONDS)).isEqualTo("POST /v1/leader/transfer HTTP/1.1");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
    assertThat(new JsonObject(r.body()).getString("message")).contains("leadership transfer").contains("HTTP 502");

    fakeLeader.behave(FakeHttpServer.respond(200, "application/json", "{\"leader\":\"n1\",\"from\":\"n9\"}"));
    HttpResponse<String> ok = Http.send("POST", url, null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getString("from")).isEqualTo("n9");
  }

  @Test
  void aLeaderThatNeverAnswersIsOutcomeUnknown() throws Exception {
    fakeLeader.behave(FakeHttpServer.neverAnswer());
    HttpResponse<String> r = putThroughAFollower("silent");
    assertTheLeaderGotIt("silent");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
  }
}
