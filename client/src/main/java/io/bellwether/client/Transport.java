package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one API call with retries: the part every client feature shares (key-value calls now,
 * watches and leases later). Thread-safe; blocking.
 *
 * <p>A write carries one {@code Idempotency-Key} over all its attempts, so however many reach the
 * node it applies at most once. An attempt that certainly did not apply and may succeed elsewhere or
 * later (503 with the API's body, 429, no connection) is retried on the next node after a backoff. An
 * attempt that may have applied (504, a timeout, a connection broken after sending, an answer that is
 * not the API's) is retried too, with the same key, which is what makes that safe. Errors that another
 * attempt would meet again (400, 401, 403, 404, 405, 409, 413) are thrown at once. Reads have no effect,
 * so they are retried on any failure but those.
 */
final class Transport {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
  /** The README's "certainly did not happen" statuses, when the body is the API's error. */
  static final Set<Integer> NOT_DONE_STATUSES = Set.of(400, 401, 403, 404, 405, 409, 412, 413, 429, 503);
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String SHORT_LIVED_CANNOT_WATCH = "a short-lived client cannot watch: build one without shortLived()";

  private final Exchange exchange;
  private final HttpClient streams;
  private final Endpoints endpoints;
  private final Duration requestTimeout;
  private final RetryPolicy retry;
  private final String authorization;
  private final LeaderHints leaderHints;

  /**
   * @param exchange how calls reach a node
   * @param streams the client for long-lived answers (watches), or null when this transport has none
   */
  Transport(Exchange exchange, HttpClient streams, Endpoints endpoints, Duration requestTimeout, RetryPolicy retry,
      String token) {
    this.exchange = exchange;
    this.streams = streams;
    this.endpoints = endpoints;
    this.requestTimeout = requestTimeout;
    this.retry = retry;
    this.authorization = token == null ? null : "Bearer " + token;
    this.leaderHints = new LeaderHints(endpoints);
  }

  /** 128 random bits, base64url: unique enough that two writes never share one within 5 minutes. */
  static String newIdempotencyKey() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Sends {@code request} until it succeeds, meets an answer it must not retry, or the retry budget
   * runs out.
   *
   * @return a 2xx answer, or one whose error code is among {@link ApiRequest#answeredCodes()}
   * @throws NotAppliedException certainly no effect
   * @throws OutcomeUnknownException a write that may have happened
   */
  ApiResponse execute(ApiRequest request) {
    return execute(request, retry, requestTimeout);
  }

  /** {@link #execute(ApiRequest)} under another retry policy and attempt timeout (a keepalive's, bounded by its TTL). */
  ApiResponse execute(ApiRequest request, RetryPolicy retry, Duration requestTimeout) {
    String key = !request.write() ? null
        : request.idempotencyKey() != null ? request.idempotencyKey() : newIdempotencyKey();
    long deadline = System.nanoTime() + retry.deadline().toNanos();
    boolean mayHaveApplied = false;
    for (int attempt = 1; ; attempt++) {
      URI endpoint = endpoints.current();
      Failure f;
      try {
        HttpResponse<byte[]> r = exchange.send(request.method(), URI.create(endpoint + request.pathAndQuery()),
            headers(request, key), request.body(), requestTimeout);
        ApiResponse answer = new ApiResponse(r.statusCode(), r.headers(), r.body(), endpoint, key);
        JsonNode body = answer.ok() ? null : answer.json();
        String code = Json.errorCode(body);
        followLeader(request, answer, body, requestTimeout);
        if (answer.ok() || (code != null && request.answeredCodes().contains(code))) return answer;
        f = classify(request, answer, code, body);
      } catch (SSLHandshakeException e) {
        // Before the request: nothing was sent. A trust or certificate problem does not go away by
        // asking again, so it is reported at once.
        throw finalFailure(request, key, mayHaveApplied, new Failure(0, null, null, endpoint, e, false, false,
            "TLS handshake with " + endpoint + " failed: " + e.getMessage()));
      } catch (ConnectException | HttpConnectTimeoutException e) {
        // Caught before HttpTimeoutException, its superclass: no connection, so nothing was sent.
        f = new Failure(0, null, null, endpoint, e, false, true, "cannot connect to " + endpoint + " (" + e + ")");
      } catch (HttpTimeoutException e) {
        f = new Failure(0, null, null, endpoint, e, request.write(), true,
            "no answer from " + endpoint + " within " + requestTimeout.toMillis() + " ms");
      } catch (IOException e) {
        f = new Failure(0, null, null, endpoint, e, request.write(), true, "no answer from " + endpoint + " (" + e + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw finalFailure(request, key, mayHaveApplied || request.write(),
            new Failure(0, null, null, endpoint, e, request.write(), false, "interrupted while waiting for " + endpoint));
      }
      mayHaveApplied |= f.mayHaveApplied;
      if (!f.retryable) throw finalFailure(request, key, mayHaveApplied, f);
      // Unless an answer just moved the client to the leader, the next attempt goes to the next node.
      if (endpoints.current().equals(endpoint)) endpoints.failed(endpoint);
      Duration wait = retry.backoff(attempt);
      if (attempt >= retry.maxAttempts() || System.nanoTime() + wait.toNanos() - deadline > 0) {
        throw finalFailure(request, key, mayHaveApplied, f.after(attempt));
      }
      LOG.debug("{} attempt {} failed ({}); retrying in {} ms", request.describe(), attempt, f.description, wait.toMillis());
      try {
        Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw finalFailure(request, key, mayHaveApplied, f.after(attempt));
      }
    }
  }

  /**
   * Starts a long-lived GET (a watch stream) on {@code endpoint}, once, no retry: the caller decides
   * where to go next. The future completes when the answer's headers came (within the request
   * timeout); cancelling it abandons the attempt.
   */
  java.util.concurrent.CompletableFuture<HttpResponse<java.io.InputStream>> openStream(URI endpoint, String pathAndQuery,
      java.util.Map<String, String> headers) {
    if (streams == null) throw new IllegalStateException(SHORT_LIVED_CANNOT_WATCH);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + pathAndQuery)).timeout(requestTimeout).GET();
    headers.forEach(b::header);
    if (authorization != null) b.header("Authorization", authorization);
    return streams.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Whether {@link #openStream} works: not on a short-lived client. */
  boolean canStream() {
    return streams != null;
  }

  Endpoints endpoints() {
    return endpoints;
  }

  /**
   * What an answer says about who leads: a read was served by the node asked; a write answered by
   * another node was forwarded to it, the leader; a refusal may name the leader. See {@link
   * LeaderHints}.
   */
  private void followLeader(ApiRequest request, ApiResponse answer, JsonNode body, Duration timeout) {
    String node = answer.node();
    if (!request.write()) {
      if (node != null && answer.status() / 100 == 2) leaderHints.served(node, answer.endpoint());
      return;
    }
    String leader = answer.status() / 100 == 2 ? node
        : answer.header("X-Bellwether-Leader") != null ? answer.header("X-Bellwether-Leader")
        : body != null && body.path("leader").isTextual() ? body.get("leader").asText() : null;
    leaderHints.leaderIs(leader, answer.endpoint(), exchange, timeout, authorization);
  }

  RetryPolicy retry() {
    return retry;
  }

  private Map<String, String> headers(ApiRequest request, String idempotencyKey) {
    Map<String, String> h = new LinkedHashMap<>(request.headers());
    if (idempotencyKey != null) h.put("Idempotency-Key", idempotencyKey);
    if (authorization != null) h.put("Authorization", authorization);
    return h;
  }

  /** What one answered attempt that is neither a success nor an answered code means. */
  private static Failure classify(ApiRequest request, ApiResponse answer, String code, JsonNode body) {
    int status = answer.status();
    String message = code != null && body.get("message") != null ? body.get("message").asText() : answer.text();
    String description = request.describe() + " at " + answer.endpoint() + ": HTTP " + status
        + (code == null ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message);
    // A 401 is "not applied" by definition (RFC 9110), whoever sent it, and may come without the
    // API's body (ShortLivedHttp fetches it again, best effort); the others are trusted only in the
    // API's own format.
    boolean certainNo = status == 401 || (code != null && NOT_DONE_STATUSES.contains(status));
    if (request.write() && !certainNo) {
      // 504, a 500 or 502, a proxy's 503, an answer that is not the API's: it may have reached the
      // leader and applied. Retrying with the same key is safe and may learn the outcome.
      return new Failure(status, code, message, answer.endpoint(), null, true, true, description);
    }
    boolean retryable = status == 503 || status == 429 || (!request.write() && status >= 500);
    return new Failure(status, code, message, answer.endpoint(), null, false, retryable, description);
  }

  private static BellwetherClientException finalFailure(ApiRequest request, String key, boolean mayHaveApplied, Failure f) {
    if (request.write() && mayHaveApplied) {
      return new OutcomeUnknownException(request.describe() + ": the write may or may not have happened; last: "
          + f.description + " (Idempotency-Key " + key + ")", f.status, f.code, f.serverMessage, f.endpoint, key, f.cause);
    }
    if (f.status == 401 || (f.status == 403 && f.code != null)) {
      return new AuthenticationException(f.description, f.status, f.code, f.serverMessage, f.endpoint);
    }
    return new NotAppliedException(f.description, f.status, f.code, f.serverMessage, f.endpoint, f.cause);
  }

  /** One failed attempt: what is known about it, and whether another attempt may do better. */
  private record Failure(int status, String code, String serverMessage, URI endpoint, Throwable cause,
      boolean mayHaveApplied, boolean retryable, String description) {

    Failure after(int attempts) {
      return attempts == 1 ? this : new Failure(status, code, serverMessage, endpoint, cause, mayHaveApplied, retryable,
          description + " (after " + attempts + " attempts)");
    }
  }
}
