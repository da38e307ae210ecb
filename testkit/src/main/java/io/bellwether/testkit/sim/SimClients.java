package io.bellwether.testkit.sim;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.KvQueryResult;
import io.bellwether.core.kv.KvResult;
import io.bellwether.testkit.lin.History;
import io.bellwether.testkit.lin.Op;
import io.bellwether.core.runtime.Applied;
import io.bellwether.core.runtime.QueryResult;
import io.bellwether.core.runtime.ReadConsistency;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Simulated clients of the key-value store, recording a Jepsen-style history for the
 * linearizability checker: an invoke when a request is sent, then ok, fail (certainly not applied)
 * or info (outcome unknown). After info a client carries on as a new process, since its old request
 * may still take effect at any time.
 *
 * <p>Each client in turn puts a unique value, reads linearizably (from any node: followers forward
 * through ReadIndex), compare-and-sets or deletes, on a few keys. The KV store's compare-and-set is
 * on a key's <em>version</em> (the log index of its last write), the checker's register on
 * <em>values</em>. Because every value is written once, a version names exactly one value, so a
 * client that has seen (value v at version n) sends "put if version is n" and records "cas v -> new";
 * version 0 means absent on both sides. A refused compare-and-set is a fail: it changed nothing.
 *
 * <p>In runs whose clocks stay within the lease's drift bound ({@link Clocks#bounded()}), half the
 * reads are lease reads, mostly sent to a node that believes it leads (a leader whose lease holds
 * answers at once; anywhere else they fall back to ReadIndex). They go into the history as plain
 * reads: a lease read promises linearizability, so the checker holds it to exactly that.
 */
final class SimClients {

  /** A (value, version) pair some client saw together; value null and version 0 mean absent. */
  private record Seen(String value, long version) {}

  /** One request in flight; {@code completion} is set when it ends. */
  static final class Request {
    final Op invoke;
    final String node;
    final long sentAtTick;
    Op completion;

    Request(Op invoke, String node, long sentAtTick) {
      this.invoke = invoke;
      this.node = node;
      this.sentAtTick = sentAtTick;
    }

    boolean succeeded() {
      return completion != null && completion.type() == Op.Type.OK;
    }
  }

  private final class Client {
    int process = nextProcess++;
    Request pending;
    long nextActionAtTick;
    /** Index of this client's last acknowledged write: the minIndex of its stale reads. */
    long lastWriteIndex;
  }

  private final StaleReads staleReads = new StaleReads();
  private int leaseReads;
  private int leaseReadsAtOnce;
  private final boolean leaseReadsOn;

  private final SimCluster cluster;
  private final SplittableRandom random;
  private final List<String> keys = new ArrayList<>();
  private final int timeoutTicks;
  private final History history = new History();
  private final List<Client> clients = new ArrayList<>();
  private final Map<String, Seen> seen = new HashMap<>();
  private int nextProcess;
  private long nextValue;
  private final ClientRouting routing;
  private boolean active = true;
  private SimFailure broken;

  SimClients(SimCluster cluster, SplittableRandom random, int clientCount, int keyCount,
      int timeoutTicks) {
    this.cluster = cluster;
    this.random = random;
    this.routing = new ClientRouting(cluster, random);
    this.timeoutTicks = timeoutTicks;
    this.leaseReadsOn = cluster.config().clocks().bounded();
    for (int i = 1; i <= keyCount; i++) keys.add("k" + i);
    for (int i = 0; i < clientCount; i++) clients.add(new Client());
  }

  History history() {
    return history;
  }

  /** Stops issuing new requests (those in flight still complete). */
  void stop() {
    active = false;
  }

  /** Clients ready to send their next request now. */
  private List<Client> due(long nowTicks) {
    List<Client> due = new ArrayList<>();
    if (!active) return due;
    for (Client c : clients) {
      if (c.pending == null && c.nextActionAtTick <= nowTicks) due.add(c);
    }
    return due;
  }

  int dueCount(long nowTicks) {
    return due(nowTicks).size();
  }

  /** The {@code i}-th due client sends a random request. */
  void act(int i) {
    Client c = due(cluster.nowTicks()).get(i);
    String key = keys.get(random.nextInt(keys.size()));
    int roll = random.nextInt(100);
    if (roll < 40) write(c, key, routing.writeTarget());
    else if (roll < 68) {
      // Only bounded-clock runs draw here, so that the other runs stay what they were.
      if (leaseReadsOn && random.nextBoolean()) leaseRead(c, key, routing.leaseTarget());
      else read(c, key, routing.readTarget());
    }
    else if (roll < 75) staleRead(c, key, routing.randomNode());
    else if (roll < 93) compareAndSet(c, key, routing.writeTarget());
    else delete(c, key, routing.writeTarget());
  }

  /** Gives up on requests older than the client timeout: their outcome is unknown. */
  void expire(long nowTicks) {
    for (Client c : clients) {
      Request r = c.pending;
      if (r != null && nowTicks - r.sentAtTick > timeoutTicks) {
        complete(c, r, Op.info(c.process, r.invoke.f(), r.invoke.key(), nowTicks, "client timeout"));
      }
    }
  }

  /** A one-off request from a fresh process (the liveness phase's probes). */
  Request probeWrite(String key, String node) {
    return write(new Client(), key, node);
  }

  Request probeRead(String key, String node) {
    return read(new Client(), key, node);
  }

  List<String> keys() {
    return keys;
  }

  /** Rethrows a problem seen inside a completion callback, where throwing would be swallowed. */
  void throwIfBroken() {
    if (broken != null) throw broken;
  }

  // ---------------------------------------------------------------- requests

  private Request write(Client c, String key, String node) {
    String value = "v" + ++nextValue;
    Op invoke = Op.invokeWrite(c.process, key, value, now());
    return propose(c, invoke, node, new KvCommand.Put(key, bytes(value), KvCommand.ANY, null, stamp()));
  }

  private Request compareAndSet(Client c, String key, String node) {
    Seen expected = seen.getOrDefault(key, new Seen(null, 0));
    String value = "v" + ++nextValue;
    Op invoke = Op.invokeCas(c.process, key, expected.value, value, now());
    return propose(c, invoke, node,
        new KvCommand.Put(key, bytes(value), expected.version, null, stamp()));
  }

  private Request delete(Client c, String key, String node) {
    Op invoke = Op.invokeDelete(c.process, key, now());
    return propose(c, invoke, node, KvCommand.delete(key, stamp()));
  }

  private Request propose(Client c, Op invoke, String node, KvCommand command) {
    if (invoke.value() != null) staleReads.attempted(invoke.value());
    Request r = start(c, invoke, node);
    CompletableFuture<Applied> future = new CompletableFuture<>();
    future.whenComplete((applied, error) -> writeDone(c, r, applied, error));
    cluster.entry().propose(node, command.encode(), future);
    return r;
  }

  private Request read(Client c, String key, String node) {
    Request r = start(c, Op.invokeRead(c.process, key, now()), node);
    CompletableFuture<QueryResult> future = new CompletableFuture<>();
    future.whenComplete((result, error) -> readDone(c, r, result, error));
    cluster.entry().query(node, new KvQuery.Get(key).encode(), future);
    return r;
  }

  /**
   * A lease read: recorded and checked exactly as a linearizable read. Counted as served "at once"
   * when it completed before the node returned from taking the request, i.e. without any round
   * trip, which only a leader trusting its lease does.
   */
  private void leaseRead(Client c, String key, String node) {
    leaseReads++;
    Request r = start(c, Op.invokeRead(c.process, key, now()), node);
    CompletableFuture<QueryResult> future = new CompletableFuture<>();
    future.whenComplete((result, error) -> readDone(c, r, result, error));
    cluster.entry().query(node, new KvQuery.Get(key).encode(), ReadConsistency.LEASE, 0, future);
    if (future.isDone() && !future.isCompletedExceptionally()) leaseReadsAtOnce++;
  }

  int leaseReads() {
    return leaseReads;
  }

  int leaseReadsAtOnce() {
    return leaseReadsAtOnce;
  }

  /** A stale read with read-your-writes: {@code minIndex} is the client's last acknowledged write. */
  private void staleRead(Client c, String key, String node) {
    long minIndex = c.lastWriteIndex;
    CompletableFuture<QueryResult> future = new CompletableFuture<>();
    future.whenComplete((result, error) -> {
      SimFailure failure = staleReads.check(key, minIndex, result, error);
      if (failure != null) broken = failure;
    });
    cluster.entry().query(node, new KvQuery.Get(key).encode(), ReadConsistency.STALE, minIndex, future);
  }

  int staleReadsChecked() {
    return staleReads.checked();
  }

  private Request start(Client c, Op invoke, String node) {
    history.add(invoke.withNode(node));
    Request r = new Request(invoke, node, now());
    c.pending = r;
    return r;
  }

  // ---------------------------------------------------------------- completions

  private void writeDone(Client c, Request r, Applied applied, Throwable error) {
    if (c.pending != r) return; // the client gave up on it already
    Op invoke = r.invoke;
    if (error != null) {
      failed(c, r, error);
      return;
    }
    KvResult result = KvResult.decode(applied.result());
    if (result.status() == KvResult.Status.VERSION_MISMATCH && invoke.f() == Op.F.CAS) {
      staleReads.certainlyFailed(invoke.value());
      complete(c, r, Op.fail(c.process, invoke.f(), invoke.key(), now(),
          "version mismatch, current version " + result.version()));
      return;
    }
    if (!result.ok()) {
      broken = new SimFailure("write " + invoke + " was applied with status " + result.status());
      return;
    }
    c.lastWriteIndex = Math.max(c.lastWriteIndex, applied.index());
    if (invoke.f() == Op.F.DELETE) {
      seen.put(invoke.key(), new Seen(null, 0));
    } else {
      seen.put(invoke.key(), new Seen(invoke.value(), result.version()));
    }
    complete(c, r, Op.ok(c.process, invoke.f(), invoke.key(), invoke.value(), now()));
  }

  private void readDone(Client c, Request r, QueryResult result, Throwable error) {
    if (c.pending != r) return;
    if (error != null) {
      failed(c, r, error);
      return;
    }
    KvQueryResult.GetResult get = (KvQueryResult.GetResult) KvQueryResult.decode(result.result());
    String value = get.found() ? new String(get.value(), StandardCharsets.UTF_8) : null;
    seen.put(r.invoke.key(), new Seen(value, get.version()));
    complete(c, r, Op.ok(c.process, Op.F.READ, r.invoke.key(), value, now())
        .withNode(result.servedBy()));
  }

  private void failed(Client c, Request r, Throwable error) {
    Op invoke = r.invoke;
    if (error instanceof RequestFailedException rf) {
      if (rf.leaderHint() != null) routing.leaderNamed(rf.leaderHint());
      if (invoke.value() != null && invoke.f() != Op.F.READ) staleReads.certainlyFailed(invoke.value());
      complete(c, r, Op.fail(c.process, invoke.f(), invoke.key(), now(), rf.reason().name()));
    } else if (error instanceof OutcomeUnknownException ou) {
      complete(c, r, Op.info(c.process, invoke.f(), invoke.key(), now(), ou.reason().name()));
    } else {
      broken = new SimFailure("request " + invoke + " failed unexpectedly: " + error, error);
    }
  }

  private void complete(Client c, Request r, Op completion) {
    r.completion = completion.node() == null ? completion.withNode(r.node) : completion;
    history.add(r.completion);
    c.pending = null;
    c.nextActionAtTick = now() + random.nextInt(4);
    if (completion.type() == Op.Type.INFO) c.process = nextProcess++; // as Jepsen does
  }

  private long now() {
    return cluster.nowTicks();
  }

  /** The command's timestamp: the simulated time, as a leader's clock would give it. */
  private long stamp() {
    return cluster.nowTicks() * 10;
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
