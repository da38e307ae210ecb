package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.IntFunction;

/**
 * etcd's v3 JSON gateway: {@code POST /v3/kv/put {"key","value"}} and {@code POST /v3/kv/range
 * {"key"}} (base64), with {@code "serializable": true} for stale reads; the leader from
 * {@code POST /v3/maintenance/status} ({@code leader} equal to {@code header.member_id}). etcd has
 * no lease reads.
 */
final class EtcdProtocol implements Protocol {

  private static final int MAX_KIND_LENGTH = 60;
  private final IntFunction<byte[]> putBodies;
  private final IntFunction<byte[]> rangeBodies;

  EtcdProtocol(KeySpace keys, Consistency consistency) {
    if (consistency == Consistency.LEASE) {
      throw new IllegalArgumentException("etcd has no lease reads: use --consistency linearizable (etcd's default"
          + " range) or stale (a serializable range)");
    }
    Base64.Encoder b64 = Base64.getEncoder();
    String value = b64.encodeToString(keys.value());
    String serializable = consistency == Consistency.STALE ? ",\"serializable\":true" : "";
    // Built once when the key count allows (KeySpace.perKey): the JSON of every request is known
    // before the run, so the client spends no time on it.
    putBodies = keys.perKey(i -> ("{\"key\":\"" + b64.encodeToString(keys.keyBytes(i)) + "\",\"value\":\"" + value
        + "\"}").getBytes(StandardCharsets.UTF_8));
    rangeBodies = keys.perKey(i -> ("{\"key\":\"" + b64.encodeToString(keys.keyBytes(i)) + "\"" + serializable
        + "}").getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Req write(int index) {
    return new Req(HttpMethod.POST, "/v3/kv/put", putBodies.apply(index), "application/json");
  }

  @Override
  public Req read(int index) {
    return new Req(HttpMethod.POST, "/v3/kv/range", rangeBodies.apply(index), "application/json");
  }

  @Override
  public Outcome classify(int status, MultiMap headers, Buffer body, boolean read) {
    if (status == 200) {
      // A range that found nothing has no "kvs" field at all; a cheap look, no JSON parse per read.
      return read && body.toString(StandardCharsets.UTF_8).indexOf("\"kvs\"") < 0 ? Outcome.NOT_FOUND : Outcome.OK;
    }
    JsonNode json = Json.parseOrNull(body);
    String message = Json.text(json, "message");
    if (message == null) message = Json.text(json, "error");
    if (message != null && message.length() > MAX_KIND_LENGTH) message = message.substring(0, MAX_KIND_LENGTH);
    boolean moved = message != null && message.contains("leader");
    return Outcome.error(message == null ? Integer.toString(status) : status + " " + message, moved);
  }

  @Override
  public Future<Endpoint> findLeader(HttpClient client, List<Endpoint> endpoints, Duration timeout) {
    List<Future<JsonNode>> answers = new ArrayList<>();
    Req status = new Req(HttpMethod.POST, "/v3/maintenance/status", "{}".getBytes(StandardCharsets.UTF_8),
        "application/json");
    for (Endpoint e : endpoints) {
      answers.add(Requests.fetch(client, e, status, timeout).map(Json::parseOrNull));
    }
    return Future.join(answers).transform(ignored -> {
      Endpoint best = null;
      long bestTerm = -1;
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < endpoints.size(); i++) {
        Future<JsonNode> f = answers.get(i);
        if (f.failed() || f.result() == null) {
          seen.add(endpoints.get(i) + ": " + (f.failed() ? f.cause().getMessage() : "not JSON"));
          continue;
        }
        JsonNode s = f.result();
        // uint64 fields come as JSON strings from the gateway: compare them as text.
        String member = Json.text(s.path("header"), "member_id");
        String leader = Json.text(s, "leader");
        long term = s.path("raftTerm").asLong(s.path("header").path("raft_term").asLong(0));
        seen.add(endpoints.get(i) + ": member=" + member + " leader=" + leader + " term=" + term);
        if (member != null && member.equals(leader) && term > bestTerm) {
          best = endpoints.get(i);
          bestTerm = term;
        }
      }
      return best != null ? Future.succeededFuture(best)
          : Future.failedFuture("no etcd leader among the endpoints: " + String.join("; ", seen));
    });
  }

  @Override
  public Future<Long> pid(HttpClient client, Endpoint endpoint, Duration timeout) {
    return Future.failedFuture("etcd does not tell its pid over HTTP: give --pids URL=PID,...");
  }
}
