package io.bellwether.testkit.sim;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.Role;
import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.LeaseCommand;
import io.bellwether.core.kv.LeaseKeeper;
import io.bellwether.core.kv.LeaseQueryResult;
import io.bellwether.core.kv.LeaseResult;
import io.bellwether.core.runtime.Applied;
import io.bellwether.core.runtime.QueryResult;
import io.bellwether.core.runtime.ReadConsistency;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Lease traffic in a simulation run ({@link LeaseLoad}): clients that grant leases, attach keys to
 * them, keep most alive and let the others lapse, and the leader's expiry loop, driven by each node's
 * own {@code LeaseKeeper} on its own clock. What the clients saw succeed feeds the {@link
 * LeaseExpiryCheck}.
 *
 * <p>A keepalive is modelled on {@code KvLeases.keepAlive}: refused at once by a node that does not
 * lead; else a linearizable read of the lease, then, if the node still leads, {@code
 * LeaseKeeper.keepAlive} in its current term. The expiry loop runs on every tick of a node's clock:
 * on a leader it proposes an {@code Expire} for each lease {@code LeaseKeeper.due} hands out, through
 * the path client writes take; elsewhere it tells the keeper it follows. Lease keys ({@code lease/..})
 * are not the linearizability checker's registers: an expiry deletes them without a client's write.
 */
final class SimLeaseClients {

  /** Simulated time per tick for the keepers: 25 ticks to the second, so a 1-3 s TTL is 25-75 ticks. */
  static final long TICKS_PER_SECOND = 25;
  static final long TICK_NANOS = 1_000_000_000L / TICKS_PER_SECOND;
  /** How long an expiry may stay unapplied before the leader proposes it again. */
  static final long EXPIRY_RETRY_TICKS = 10;

  private final class Client {
    final int number;
    long lease;
    long ttlTicks;
    boolean keep;
    boolean pending;
    /** Bumped by every request and every give-up: a completion of an older one is ignored. */
    long token;
    long sentAtTick;
    long nextActionAtTick;
    int keys;

    Client(int number) {
      this.number = number;
    }
  }

  private final SimCluster cluster;
  private final SplittableRandom random;
  private final ClientRouting routing;
  private final LeaseExpiryCheck check;
  private final int timeoutTicks;
  private final List<Client> clients = new ArrayList<>();
  private boolean active = true;
  private SimFailure broken;

  SimLeaseClients(SimCluster cluster, SplittableRandom random, LeaseExpiryCheck check, int count,
      int timeoutTicks) {
    this.cluster = cluster;
    this.random = random;
    this.routing = new ClientRouting(cluster, random);
    this.check = check;
    this.timeoutTicks = timeoutTicks;
    for (int i = 0; i < count; i++) clients.add(new Client(i));
  }

  LeaseExpiryCheck check() {
    return check;
  }

  void stop() {
    active = false;
  }

  void throwIfBroken() {
    if (broken != null) throw broken;
  }

  private List<Client> due(long now) {
    List<Client> due = new ArrayList<>();
    if (!active) return due;
    for (Client c : clients) if (!c.pending && c.nextActionAtTick <= now) due.add(c);
    return due;
  }

  int dueCount(long now) {
    return due(now).size();
  }

  /** Gives up on requests older than the client timeout; their outcome stays unknown. */
  void expire(long now) {
    for (Client c : clients) {
      if (c.pending && now - c.sentAtTick > timeoutTicks) {
        c.pending = false;
        c.token++;
        c.nextActionAtTick = now + 1;
      }
    }
  }

  /** The {@code i}-th due client acts. */
  void act(int i) {
    Client c = due(now()).get(i);
    if (c.lease == 0) {
      grant(c);
    } else if (c.keep) {
      int roll = random.nextInt(100);
      if (roll < 20) put(c);
      else if (roll < 24) revoke(c);
      else keepAlive(c);
    } else if (random.nextInt(3) == 0) {
      put(c);
    } else {
      lookUp(c);
    }
  }

  // ---------------------------------------------------------------- the leader's expiry loop

  /** A node's clock ticked: as the leader's expiry loop, propose what is due. */
  void ticked(SimNode node) {
    LeaseKeeper keeper = node.keeper();
    if (!node.isUp() || keeper == null) return;
    if (node.engine().role() != Role.LEADER) {
      node.keeperFollows();
      return;
    }
    for (long id : keeper.due(node.keeperTerm())) {
      // Its outcome does not matter here: the keeper hands the lease out again if it is not applied.
      cluster.entry().propose(node.id, new LeaseCommand.Expire(id, stamp()).encode(), new CompletableFuture<>());
    }
  }

  // ---------------------------------------------------------------- requests

  private void grant(Client c) {
    long ttlSeconds = 1 + random.nextInt(3);
    boolean keep = random.nextInt(10) < 7;
    propose(c, new LeaseCommand.Grant(ttlSeconds, null, stamp()).encode(), applied -> {
      LeaseResult r = LeaseResult.decode(applied.result());
      if (!r.ok()) throw new SimFailure("grant applied with status " + r.status());
      c.lease = r.leaseId();
      c.ttlTicks = ttlSeconds * TICKS_PER_SECOND;
      c.keep = keep;
      c.keys = 0;
    });
  }

  private void revoke(Client c) {
    propose(c, new LeaseCommand.Revoke(c.lease, null, stamp()).encode(), applied -> c.lease = 0);
  }

  private void put(Client c) {
    String key = "lease/" + c.number + "/" + (c.keys++ % 3);
    propose(c, new KvCommand.Put(key, new byte[] {1}, KvCommand.ANY, null, stamp(), c.lease).encode(),
        applied -> { });
  }

  /** A lapsing lease's owner looks whether it is gone yet; then it grants another. */
  private void lookUp(Client c) {
    long lease = c.lease;
    String node = routing.readTarget();
    CompletableFuture<QueryResult> read = start(c);
    long token = c.token;
    read.whenComplete((r, e) -> {
      if (c.token != token) return;
      if (e != null) {
        failed(c, e);
      } else {
        if (LeaseQueryResult.decode(r.result()).leases().isEmpty() && c.lease == lease) c.lease = 0;
        done(c, 10);
      }
    });
    cluster.entry().query(node, new KvQuery.LeaseGet(lease).encode(), read);
  }

  private void keepAlive(Client c) {
    long lease = c.lease;
    String id = routing.writeTarget();
    CompletableFuture<LeaseKeeper.KeepAlive> answer = start(c);
    long token = c.token;
    answer.whenComplete((k, e) -> {
      if (c.token != token) return;
      if (e != null) {
        failed(c, e);
        return;
      }
      if (k == LeaseKeeper.KeepAlive.NOT_FOUND && c.lease == lease) c.lease = 0;
      done(c, Math.max(1, c.ttlTicks / 4 - 2 + random.nextInt(5)));
    });
    cluster.entry().atNode(id, answer, d -> {
      long arrivalTick = now();
      if (d.engine().role() != Role.LEADER) {
        answer.completeExceptionally(notLeader(id, d.engine().leaderId()));
        return;
      }
      CompletableFuture<QueryResult> read = new CompletableFuture<>();
      read.whenComplete((r, e) -> {
        SimNode node = cluster.node(id);
        if (e != null) {
          answer.completeExceptionally(e);
        } else if (!node.isUp() || node.engine().role() != Role.LEADER) {
          answer.completeExceptionally(notLeader(id, node.isUp() ? node.engine().leaderId() : null));
        } else if (LeaseQueryResult.decode(r.result()).leases().isEmpty()) {
          answer.complete(LeaseKeeper.KeepAlive.NOT_FOUND);
        } else {
          LeaseKeeper.KeepAlive k = node.keeper().keepAlive(lease, node.keeperTerm());
          if (k == LeaseKeeper.KeepAlive.RENEWED) check.renewed(lease, arrivalTick);
          answer.complete(k);
        }
      });
      d.query(new KvQuery.LeaseGet(lease).encode(), ReadConsistency.LINEARIZABLE, 0, read);
    });
  }

  private interface OnApplied {
    void accept(Applied applied);
  }

  private void propose(Client c, byte[] command, OnApplied ok) {
    CompletableFuture<Applied> future = start(c);
    long token = c.token;
    future.whenComplete((applied, e) -> {
      if (c.token != token) return;
      if (e != null) {
        failed(c, e);
        return;
      }
      try {
        ok.accept(applied);
      } catch (SimFailure f) {
        broken = f;
      }
      done(c, random.nextInt(4));
    });
    cluster.entry().propose(routing.writeTarget(), command, future);
  }

  private <T> CompletableFuture<T> start(Client c) {
    c.pending = true;
    c.token++;
    c.sentAtTick = now();
    return new CompletableFuture<>();
  }

  private void done(Client c, long waitTicks) {
    c.pending = false;
    c.nextActionAtTick = now() + waitTicks;
  }

  private void failed(Client c, Throwable e) {
    if (e instanceof RequestFailedException rf) {
      if (rf.leaderHint() != null) routing.leaderNamed(rf.leaderHint());
    } else if (!(e instanceof OutcomeUnknownException)) {
      broken = new SimFailure("lease request failed unexpectedly: " + e, e);
    }
    done(c, 1);
  }

  private static RequestFailedException notLeader(String id, String hint) {
    return new RequestFailedException(Reason.NOT_LEADER, id + " does not lead: only the leader keeps lease clocks", hint);
  }

  private long now() {
    return cluster.nowTicks();
  }

  private long stamp() {
    return cluster.nowTicks() * 10;
  }
}
