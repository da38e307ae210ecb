package io.bellwether.core.kv;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.ReadConsistency;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases for embedders and the HTTP API: grant, keep alive, revoke and look up leases of one {@link
 * RaftNode} whose state machine is a {@link KvStateMachine}, and, on the leader, expire those whose
 * time ran out (see {@link LeaseKeeper} for the guarantee).
 *
 * <p>Grants and revokes are writes: they go to the leader and fail with {@link Reason#NOT_LEADER} on a
 * follower, like {@link KvClient}'s. Keepalives and lookups of the time left are answered by the
 * leader only (only it keeps the clocks): a follower fails them with {@code NOT_LEADER} and a leader
 * hint, and the HTTP layer forwards them. Listing leases works anywhere.
 *
 * <p>Every method is thread-safe and returns a future, completed on the node thread.
 */
public final class KvLeases implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KvLeases.class);

  /** A granted lease. */
  public record Grant(long id, long ttlSeconds, long index) {}

  /** A lease as the leader sees it: its keys and how long it has left. */
  public record Info(long id, long ttlSeconds, long remainingMillis, List<String> keys) {}

  private final RaftNode node;
  private final LeaseKeeper keeper;
  private final Clock clock;
  private ScheduledExecutorService expiryLoop;

  /**
   * @param keeper the lease clocks, already added as a listener of the node's {@link KvStateMachine}
   * @param clock stamps commands with the proposer's wall-clock time (as {@link KvClient} does)
   */
  public KvLeases(RaftNode node, LeaseKeeper keeper, Clock clock) {
    this.node = Objects.requireNonNull(node, "node");
    this.keeper = Objects.requireNonNull(keeper, "keeper");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Grants a lease of {@code ttlSeconds}; {@code idempotencyKey} (or null) as for writes. */
  public CompletableFuture<Grant> grant(long ttlSeconds, String idempotencyKey) {
    LeaseCommand.Grant command;
    try {
      command = new LeaseCommand.Grant(ttlSeconds, idempotencyKey, clock.millis());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new RequestFailedException(Reason.INVALID_REQUEST, e.getMessage()));
    }
    return propose(command).thenApply(r -> new Grant(r.leaseId(), r.ttlSeconds(), r.index()));
  }

  /**
   * Revokes lease {@code id}, deleting its keys in the same entry. The result's status is {@code
   * NOT_FOUND} if there was no such lease (nothing changed).
   */
  public CompletableFuture<LeaseResult> revoke(long id, String idempotencyKey) {
    try {
      return propose(new LeaseCommand.Revoke(id, idempotencyKey, clock.millis()));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new RequestFailedException(Reason.INVALID_REQUEST, e.getMessage()));
    }
  }

  /**
   * Restarts lease {@code id}'s time to live. Completes with {@code RENEWED} or {@code NOT_FOUND}
   * (gone, or past its deadline); fails with {@code NOT_LEADER} on a node that does not lead.
   */
  public CompletableFuture<LeaseKeeper.KeepAlive> keepAlive(long id) {
    return confirmedLease(id).thenApply(lease -> lease == null
        ? LeaseKeeper.KeepAlive.NOT_FOUND
        : keeper.keepAlive(id, leadingTerm()));
  }

  /** Lease {@code id}'s time to live in seconds as this node knows it, or 0 if it knows no such lease. */
  public long ttlSeconds(long id) {
    return keeper.ttlSeconds(id);
  }

  /** Lease {@code id} with its keys and time left (null if there is none); leader only. */
  public CompletableFuture<Info> info(long id) {
    return confirmedLease(id).thenApply(lease -> {
      if (lease == null) return null;
      OptionalLong left = keeper.remainingNanos(id, leadingTerm());
      if (left.isEmpty()) return null;
      return new Info(id, lease.ttlSeconds(), TimeUnit.NANOSECONDS.toMillis(left.getAsLong()), lease.keys());
    });
  }

  /** Up to {@code limit} leases in id order, at the given consistency, on any node. */
  public CompletableFuture<LeaseQueryResult> list(int limit, ReadConsistency consistency) {
    KvQuery.LeaseList query;
    try {
      query = new KvQuery.LeaseList(limit);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new RequestFailedException(Reason.INVALID_REQUEST, e.getMessage()));
    }
    return node.query(query.encode(), consistency, 0).thenApply(r -> LeaseQueryResult.decode(r.result()));
  }

  /**
   * Proposes the expiry of every lease whose deadline passed, if this node leads; otherwise does
   * nothing. Called every {@code interval} once {@link #startExpiry} ran; callable directly by
   * embedders that schedule it themselves.
   */
  public void expireDue() {
    NodeStatus status = node.status();
    if (status.role() != Role.LEADER) {
      keeper.follow();
      return;
    }
    for (long id : keeper.due(status.term())) {
      propose(new LeaseCommand.Expire(id, clock.millis())).whenComplete((r, failure) -> {
        if (failure != null) log.debug("expiry of lease {} not applied yet: {}", id, failure.toString());
      });
    }
  }

  /**
   * Starts checking for due leases every {@code interval} on a daemon thread of its own.
   *
   * @throws IllegalArgumentException if {@code interval} is under a millisecond or over a minute (a
   *     lease would expire that much late)
   * @throws IllegalStateException if already started
   */
  public synchronized void startExpiry(Duration interval) {
    if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("the expiry check interval must be from 1 ms to 1 min: " + interval);
    }
    if (expiryLoop != null) throw new IllegalStateException("already started");
    expiryLoop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bellwether-lease-expiry-" + node.nodeId());
      t.setDaemon(true);
      return t;
    });
    long micros = interval.toNanos() / 1000;
    expiryLoop.scheduleWithFixedDelay(() -> {
      try {
        expireDue();
      } catch (RuntimeException e) {
        log.warn("lease expiry check failed", e);
      }
    }, micros, micros, TimeUnit.MICROSECONDS);
  }

  @Override
  public synchronized void close() {
    if (expiryLoop != null) expiryLoop.shutdownNow();
  }

  /**
   * The lease as a linearizable read finds it (null when absent), on the leader only. The role is
   * checked before and after: the keeper's clocks mean something only on the leader.
   */
  private CompletableFuture<LeaseQueryResult.Lease> confirmedLease(long id) {
    KvQuery.LeaseGet query;
    try {
      query = new KvQuery.LeaseGet(id);
      requireLeader();
    } catch (RequestFailedException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new RequestFailedException(Reason.INVALID_REQUEST, e.getMessage()));
    }
    return node.query(query.encode(), ReadConsistency.LINEARIZABLE, 0).thenApply(r -> {
      requireLeader();
      List<LeaseQueryResult.Lease> found = LeaseQueryResult.decode(r.result()).leases();
      return found.isEmpty() ? null : found.get(0);
    });
  }

  private long leadingTerm() {
    return requireLeader().term();
  }

  private NodeStatus requireLeader() {
    NodeStatus status = node.status();
    if (status.role() != Role.LEADER) {
      throw new RequestFailedException(Reason.NOT_LEADER,
          "only the leader keeps leases' clocks; " + node.nodeId() + " is not the leader", status.leader());
    }
    return status;
  }

  private CompletableFuture<LeaseResult> propose(LeaseCommand command) {
    return node.propose(command.encode()).thenApply(applied -> LeaseResult.decode(applied.result()));
  }
}
