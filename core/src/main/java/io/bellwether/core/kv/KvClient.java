package io.bellwether.core.kv;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.QueryResult;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.ReadConsistency;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The Java facade for embedders: a key-value API over one {@link RaftNode} whose state machine is a
 * {@link KvStateMachine}.
 *
 * <p>Every method is thread-safe, never blocks, and returns a future. A failed future holds a {@link
 * io.bellwether.core.BellwetherException} that says whether the write <b>certainly did not
 * happen</b> ({@link RequestFailedException}: not leader, overloaded, invalid, too large) or <b>may
 * have happened</b> ({@link io.bellwether.core.OutcomeUnknownException}: timeout, shutdown). A
 * failed condition is not a failure: it is a {@link KvWrite} with status {@code VERSION_MISMATCH}.
 *
 * <p>Writes must go to the leader; on a follower they fail with {@link Reason#NOT_LEADER} and a
 * leader hint (the HTTP layer forwards them). Reads can go to any node.
 *
 * <p>Futures complete on the node thread: do not block in their callbacks.
 */
public final class KvClient {

  private final RaftNode node;
  private final KvLimits limits;
  private final Clock clock;

  /**
   * @param clock stamps each write with the proposer's wall-clock time, which the state machine turns
   *     into a deterministic log clock for expiring idempotency records
   */
  public KvClient(RaftNode node, KvLimits limits, Clock clock) {
    this.node = Objects.requireNonNull(node, "node");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public KvClient(RaftNode node) {
    this(node, KvLimits.defaults(), Clock.systemUTC());
  }

  /** Sets {@code key} to {@code value}. */
  public CompletableFuture<KvWrite> put(String key, byte[] value) {
    return put(key, value, WriteOptions.NONE);
  }

  /** Sets {@code key} to {@code value}, if the options' condition holds. */
  public CompletableFuture<KvWrite> put(String key, byte[] value, WriteOptions options) {
    return write(() -> new KvCommand.Put(key, value, options.expectedVersion(),
        options.idempotencyKey(), clock.millis(), options.lease()));
  }

  /** Sets {@code key} only if it is at {@code expectedVersion} (0: only if absent). */
  public CompletableFuture<KvWrite> compareAndSet(String key, long expectedVersion, byte[] value) {
    return put(key, value, WriteOptions.ifVersion(expectedVersion));
  }

  public CompletableFuture<KvWrite> delete(String key) {
    return delete(key, WriteOptions.NONE);
  }

  public CompletableFuture<KvWrite> delete(String key, WriteOptions options) {
    return write(() -> new KvCommand.Delete(key, options.expectedVersion(),
        options.idempotencyKey(), clock.millis()));
  }

  /** Linearizable get. */
  public CompletableFuture<KvRead> get(String key) {
    return get(key, ReadConsistency.LINEARIZABLE, 0);
  }

  /**
   * Gets {@code key} at the given consistency; for {@link ReadConsistency#STALE}, after this node has
   * applied {@code minIndex}.
   */
  public CompletableFuture<KvRead> get(String key, ReadConsistency consistency, long minIndex) {
    return query(() -> new KvQuery.Get(key), consistency, minIndex)
        .thenApply(r -> {
          KvQueryResult.GetResult g = (KvQueryResult.GetResult) KvQueryResult.decode(r.result());
          return new KvRead(g.found(), g.value(), g.version(), g.lease(), r.appliedIndex(), r.servedBy());
        });
  }

  /** Up to {@code limit} keys starting with {@code prefix}, in key order. */
  public CompletableFuture<KvScan> scan(String prefix, int limit, ReadConsistency consistency) {
    return scan(prefix, null, limit, consistency);
  }

  /**
   * Up to {@code limit} keys starting with {@code prefix} and coming after {@code after} (null: from
   * the first), in key order ({@link KeyOrder}): the next page of a scan whose last key was {@code after}.
   */
  public CompletableFuture<KvScan> scan(String prefix, String after, int limit, ReadConsistency consistency) {
    return query(() -> new KvQuery.Scan(prefix, limit, after), consistency, 0)
        .thenApply(r -> {
          KvQueryResult.ScanResult s = (KvQueryResult.ScanResult) KvQueryResult.decode(r.result());
          return new KvScan(s.entries(), s.more(), r.appliedIndex(), r.servedBy());
        });
  }

  /**
   * The hash of this node's whole replicated state ({@link KvStateMachine#stateHash()}) with the index
   * it had applied, both taken on the node thread in one step, so replicas whose answers show the same
   * applied index must show the same hash. Served by this node from its own state at once (no round
   * trip to the leader, no wait). Costs a full pass over the state, as a snapshot does: meant for
   * checks, not hot paths.
   *
   * @return fails with {@link RequestFailedException} (overloaded, shutting down) as a read does
   */
  public CompletableFuture<KvStateHash> stateHash() {
    return query(KvQuery.StateHash::new, ReadConsistency.STALE, 0)
        .thenApply(r -> new KvStateHash(((KvQueryResult.StateHashResult) KvQueryResult.decode(r.result())).hash(),
            r.appliedIndex(), r.servedBy()));
  }

  public NodeStatus status() {
    return node.status();
  }

  private interface CommandSupplier {
    KvCommand get();
  }

  private interface QuerySupplier {
    KvQuery get();
  }

  private CompletableFuture<KvWrite> write(CommandSupplier build) {
    KvCommand command;
    try {
      command = build.get();
      limits.check(command);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.failedFuture(invalid(e));
    }
    return node.propose(command.encode())
        .thenApply(applied -> {
          KvResult r = KvResult.decode(applied.result());
          // r.index() is the original index when this was an idempotent retry.
          long index = r.index() > 0 ? r.index() : applied.index();
          return new KvWrite(r.status(), r.key(), r.version(), index, r.deleted());
        });
  }

  private CompletableFuture<QueryResult> query(
      QuerySupplier build, ReadConsistency consistency, long minIndex) {
    KvQuery q;
    try {
      q = build.get();
      if (minIndex < 0) throw InvalidRequestException.badInput("minIndex must be >= 0: " + minIndex);
    } catch (IllegalArgumentException | NullPointerException e) {
      return CompletableFuture.failedFuture(invalid(e));
    }
    return node.query(q.encode(), consistency, minIndex);
  }

  private static RequestFailedException invalid(RuntimeException e) {
    boolean tooLarge = e instanceof InvalidRequestException ire && ire.tooLarge();
    String message = e instanceof NullPointerException ? "missing argument: " + e.getMessage() : e.getMessage();
    return new RequestFailedException(tooLarge ? Reason.TOO_LARGE : Reason.INVALID_REQUEST, message);
  }
}
