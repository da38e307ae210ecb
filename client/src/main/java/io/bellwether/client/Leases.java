package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The lease calls of a {@link BellwetherClient} ({@link BellwetherClient#leases()}). Thread-safe; every
 * method blocks until it has an answer or its retries are spent, and throws as the client's other
 * calls do ({@link NotAppliedException}, {@link OutcomeUnknownException} for grants and revocations).
 */
public final class Leases {

  static final Set<String> NOT_FOUND = Set.of("LEASE_NOT_FOUND");

  private final Transport transport;
  private final Supplier<ScheduledExecutorService> scheduler;
  private final Executor executor;

  Leases(Transport transport, Supplier<ScheduledExecutorService> scheduler, Executor executor) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  /**
   * Grants a lease of {@code ttl} (whole seconds, at least 1; a fraction is rounded up) and keeps it
   * alive every {@code ttl / 3} until {@link Lease#close()} or {@link Lease#revoke()}, or until it is
   * lost (see {@link Lease}).
   *
   * @throws IllegalArgumentException ttl under a second
   * @throws NotAppliedException no lease was granted
   * @throws OutcomeUnknownException a lease may have been granted (nobody keeps it alive: it expires)
   */
  public Lease grant(Duration ttl) {
    if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("ttl must be at least 1 s, got " + ttl);
    }
    long seconds = ttl.toSeconds() + (ttl.toNanosPart() > 0 ? 1 : 0);
    // The lease's clock starts when the grant reaches the leader, later than this.
    long sent = System.nanoTime();
    byte[] body = ("{\"ttlSeconds\":" + seconds + "}").getBytes(StandardCharsets.UTF_8);
    ApiResponse r = transport.execute(new ApiRequest("POST", "/v1/leases", body,
        Map.of("Content-Type", "application/json"), true, null, Set.of()));
    JsonNode b = r.json();
    long id;
    long index;
    try {
      id = Json.requiredLong(b, "id");
      index = Json.requiredLong(b, "index");
    } catch (RuntimeException e) {
      throw new OutcomeUnknownException("POST /v1/leases at " + r.endpoint() + ": an answer this client cannot read ("
          + e.getMessage() + "): " + r.text(), r.status(), null, r.text(), r.endpoint(), r.idempotencyKey(), e);
    }
    Lease lease = new Lease(this, id, Duration.ofSeconds(seconds), index, sent);
    lease.start(scheduler.get(), executor);
    return lease;
  }

  /**
   * Restarts lease {@code id}'s TTL once (the leader answers).
   *
   * @return false when the lease is gone (404 {@code LEASE_NOT_FOUND}: expired, revoked, or never was)
   * @throws NotAppliedException no answer after the retries: the TTL may or may not have restarted
   */
  public boolean keepAliveOnce(long id) {
    return keepAlive(id, transport.retry(), null);
  }

  boolean keepAlive(long id, RetryPolicy retry, Duration timeout) {
    ApiRequest request = new ApiRequest("POST", "/v1/leases/" + id + "/keepalive", null, Map.of(), false, null, NOT_FOUND);
    // Not a write for the retries: a repeated keepalive only restarts the TTL again, so any failure may be retried.
    ApiResponse r = timeout == null ? transport.execute(request) : transport.execute(request, retry, timeout);
    return r.ok();
  }

  /**
   * Revokes lease {@code id}: it ends now and its keys are deleted in the same log entry.
   *
   * @throws NotAppliedException certainly not revoked
   * @throws OutcomeUnknownException it may have been
   */
  public LeaseRevocation revoke(long id) {
    ApiResponse r = transport.execute(new ApiRequest("DELETE", "/v1/leases/" + id, null, Map.of(), true, null, Set.of()));
    JsonNode b = r.json();
    try {
      return new LeaseRevocation(id, Json.requiredBoolean(b, "revoked"), Json.requiredLong(b, "index"),
          b.path("keysDeleted").asLong(0));
    } catch (RuntimeException e) {
      throw new OutcomeUnknownException("DELETE /v1/leases/" + id + " at " + r.endpoint() + ": an answer this client"
          + " cannot read: " + r.text(), r.status(), null, r.text(), r.endpoint(), r.idempotencyKey(), e);
    }
  }

  /**
   * Lease {@code id} with its time left and keys, as the leader knows it; empty when it is gone.
   *
   * @throws NotAppliedException no answer after the retries
   */
  public Optional<LeaseInfo> get(long id) {
    ApiResponse r = transport.execute(ApiRequest.read("/v1/leases/" + id, NOT_FOUND));
    if (!r.ok()) return Optional.empty();
    JsonNode b = r.json();
    try {
      List<String> keys = new ArrayList<>();
      for (JsonNode k : b.path("keys")) keys.add(k.asText());
      return Optional.of(new LeaseInfo(Json.requiredLong(b, "id"), Json.requiredLong(b, "ttlSeconds"),
          Json.requiredLong(b, "remainingMillis"), keys));
    } catch (RuntimeException e) {
      throw new NotAppliedException("GET /v1/leases/" + id + ": an answer this client cannot read: " + r.text(),
          r.status(), null, r.text(), r.endpoint(), e);
    }
  }

  /** The first 10000 leases in id order. See {@link #list(int)}. */
  public List<LeaseInfo> list() {
    return list(10_000);
  }

  /**
   * Up to {@code limit} (1 to 10000) leases in id order, as the node asked knows them (a stale read),
   * without their keys or time left.
   *
   * @throws NotAppliedException no answer after the retries
   */
  public List<LeaseInfo> list(int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    ApiResponse r = transport.execute(ApiRequest.read("/v1/leases?limit=" + limit + "&consistency=stale", Set.of()));
    JsonNode list = r.json() == null ? null : r.json().get("leases");
    if (list == null || !list.isArray()) {
      throw new NotAppliedException("GET /v1/leases: an answer without 'leases': " + r.text(), r.status(), null, r.text(),
          r.endpoint(), null);
    }
    List<LeaseInfo> out = new ArrayList<>();
    for (JsonNode l : list) out.add(new LeaseInfo(l.path("id").asLong(), l.path("ttlSeconds").asLong(), -1, List.of()));
    return out;
  }
}
