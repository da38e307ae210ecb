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
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Bellwether's HTTP API v1: {@code PUT /v1/kv/{key}}, {@code GET /v1/kv/{key}?consistency=...},
 * errors as {@code {"error": CODE, ...}}, the leader from {@code GET /v1/cluster}, a member's pid
 * from {@code GET /health/live}.
 */
final class BellwetherProtocol implements Protocol {

  /** Error codes that mean "the leader is elsewhere or unknown": the tool looks the leader up again. */
  private static final Set<String> LEADERSHIP_CODES = Set.of("NOT_LEADER", "NO_LEADER", "SHUTTING_DOWN");
  static final String LEADER_HEADER = "X-Bellwether-Leader";

  private final KeySpace keys;
  private final IntFunction<String> paths;
  private final String readQuery;
  /** {@code /v1/leases/{id}/keepalive} per lease number, once {@link #useLeases} was called. */
  private String[] keepalivePaths = new String[0];
  /** The {@code Authorization} header of every request, or null. */
  private final String authorization;

  BellwetherProtocol(KeySpace keys, Consistency consistency) {
    this(keys, consistency, null);
  }

  /** {@code authorization}: the header value sent with every request ({@code Bearer ...}), or null for none. */
  BellwetherProtocol(KeySpace keys, Consistency consistency, String authorization) {
    this.keys = keys;
    this.authorization = authorization;
    this.paths = keys.perKey(i -> "/v1/kv/" + encodePath(keys.key(i)));
    this.readQuery = "?consistency=" + consistency.queryValue();
  }

  /** Percent-encodes everything but unreserved characters and '/', which a key may contain. */
  static String encodePath(String key) {
    StringBuilder out = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  @Override
  public Req write(int index) {
    return new Req(HttpMethod.PUT, paths.apply(index), keys.value(), "application/octet-stream", authorization);
  }

  @Override
  public Req read(int index) {
    return Req.get(paths.apply(index) + readQuery, authorization);
  }

  @Override
  public void useLeases(long[] ids) {
    String[] p = new String[ids.length];
    for (int i = 0; i < ids.length; i++) p[i] = "/v1/leases/" + ids[i] + "/keepalive";
    keepalivePaths = p;
  }

  @Override
  public Req keepalive(int index) {
    return new Req(HttpMethod.POST, keepalivePaths[index], null, null, authorization);
  }

  /** {@code POST /v1/leases {"ttlSeconds": ttl}}: grants one lease. */
  Req grantLease(int ttlSeconds) {
    return new Req(HttpMethod.POST, "/v1/leases",
        ("{\"ttlSeconds\":" + ttlSeconds + "}").getBytes(StandardCharsets.UTF_8), "application/json", authorization);
  }

  @Override
  public Outcome classify(int status, MultiMap headers, Buffer body, boolean read) {
    if (status / 100 == 2) return read ? Outcome.OK : Outcome.written(answerIndex(body));
    JsonNode json = Json.parseOrNull(body);
    String code = Json.text(json, "error");
    if (read && status == 404 && "NOT_FOUND".equals(code)) return Outcome.NOT_FOUND;
    boolean moved = status == 307 || status == 421 || headers.get(LEADER_HEADER) != null
        || (code != null && LEADERSHIP_CODES.contains(code));
    return Outcome.error(code == null ? Integer.toString(status) : status + " " + code, moved);
  }

  /**
   * The {@code "index"} of a write's answer ({@code {"key":..,"version":..,"index":N}}), found by a
   * scan rather than a JSON parse: it runs for every write, on the load tool's few threads. 0 when absent.
   */
  static long answerIndex(Buffer body) {
    if (body == null) return 0;
    int n = body.length();
    byte[] field = INDEX_FIELD;
    outer:
    for (int i = 0; i + field.length <= n; i++) {
      for (int j = 0; j < field.length; j++) {
        if (body.getByte(i + j) != field[j]) continue outer;
      }
      int k = i + field.length;
      while (k < n && body.getByte(k) == ' ') k++;
      long v = 0;
      int digits = 0;
      for (; k < n && body.getByte(k) >= '0' && body.getByte(k) <= '9' && digits < 18; k++, digits++) {
        v = v * 10 + (body.getByte(k) - '0');
      }
      return digits == 0 ? 0 : v;
    }
    return 0;
  }

  private static final byte[] INDEX_FIELD = "\"index\":".getBytes(StandardCharsets.US_ASCII);

  @Override
  public Future<Endpoint> findLeader(HttpClient client, List<Endpoint> endpoints, Duration timeout) {
    List<Future<JsonNode>> answers = new ArrayList<>();
    for (Endpoint e : endpoints) {
      answers.add(Requests.fetch(client, e, Req.get("/v1/cluster", authorization), timeout).map(Json::parseOrNull));
    }
    return Future.join(answers).transform(ignored -> pickLeader(endpoints, answers));
  }

  /**
   * A node that says it leads (the highest term if two do, as an old leader may not know yet); else
   * the endpoint of the node the others name; else that node's advertised HTTP address (reached with
   * the endpoints' scheme: a node advertises host:port).
   */
  private static Future<Endpoint> pickLeader(List<Endpoint> endpoints, List<Future<JsonNode>> answers) {
    Endpoint best = null;
    long bestTerm = -1;
    String namedLeader = null;
    long namedTerm = -1;
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      Future<JsonNode> f = answers.get(i);
      if (f.failed() || f.result() == null) {
        seen.add(endpoints.get(i) + ": " + (f.failed() ? f.cause().getMessage() : "not JSON"));
        continue;
      }
      JsonNode c = f.result();
      long term = c.path("term").asLong(0);
      seen.add(endpoints.get(i) + ": node=" + Json.text(c, "node") + " role=" + Json.text(c, "role")
          + " leader=" + Json.text(c, "leader") + " term=" + term);
      if ("leader".equals(Json.text(c, "role")) && term > bestTerm) {
        best = endpoints.get(i);
        bestTerm = term;
      }
      String leader = Json.text(c, "leader");
      if (leader != null && term > namedTerm) {
        namedLeader = leader;
        namedTerm = term;
      }
    }
    if (best != null) return Future.succeededFuture(best);
    if (namedLeader != null) {
      for (int i = 0; i < endpoints.size(); i++) {
        Future<JsonNode> f = answers.get(i);
        if (f.succeeded() && f.result() != null && namedLeader.equals(Json.text(f.result(), "node"))) {
          return Future.succeededFuture(endpoints.get(i));
        }
      }
      for (Future<JsonNode> f : answers) {
        if (f.failed() || f.result() == null) continue;
        for (JsonNode m : f.result().path("members")) {
          String http = Json.text(m, "httpAddress");
          if (namedLeader.equals(Json.text(m, "id")) && http != null) {
            return Future.succeededFuture(Endpoint.parse(http, endpoints.get(0).tls()));
          }
        }
      }
    }
    return Future.failedFuture("no leader known: " + String.join("; ", seen));
  }

  @Override
  public Future<Long> pid(HttpClient client, Endpoint endpoint, Duration timeout) {
    return Requests.fetch(client, endpoint, Req.get("/health/live", authorization), timeout).compose(body -> {
      JsonNode json = Json.parseOrNull(body);
      return json != null && json.hasNonNull("pid")
          ? Future.succeededFuture(json.get("pid").asLong())
          : Future.failedFuture(endpoint + "/health/live does not tell the pid");
    });
  }
}
