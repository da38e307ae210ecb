package io.bellwether.core.runtime;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.message.Message;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Transport;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node thread and its inbox: the Singular Update Queue around a {@link NodeDriver}. Other
 * threads only offer events; the node thread drains up to {@code maxDrain} of them, feeds them (and
 * the ticks that elapsed meanwhile) to the driver, then flushes once: many writes, one sync. It also
 * owns the node's life: starting the transport, stopping on {@code close()} or on an unrecoverable
 * error, and answering every request it was offered, whatever happens.
 *
 * <p>Separate from {@link RaftNode}, which is the API clients call, because this is the one place
 * where threads meet: what each thread may touch, and how a request offered just as the node stops
 * is still answered truthfully, is easier to check with nothing else around.
 */
final class NodeLoop {

  // Loggers keep RaftNode's name: operators filter on it.
  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  private interface Event {}

  /** A peer's message and when it arrived ({@link System#nanoTime()}). */
  private record Inbound(Message message, long arrivedNanos) implements Event {}

  private record Propose(byte[] command, CompletableFuture<Applied> future) implements Event {}

  private record Query(
      byte[] query, ReadConsistency consistency, long minIndex, CompletableFuture<QueryResult> future)
      implements Event {}

  private record Transfer(String target, CompletableFuture<String> future) implements Event {}

  private record MembershipChange(ToLongFunction<RaftEngine> change,
      CompletableFuture<Membership> future) implements Event {}

  private record Stop() implements Event {}

  /** The transport lost its connection to a peer. */
  private record PeerUnreachable(String peer) implements Event {}

  /** Work for the node thread was queued in {@code onNodeThread} (by the snapshot writer). */
  private record Wake() implements Event {}

  private final String nodeId;
  private final NodeDriver driver;
  private final LogStore store;
  private final Transport transport;
  private final BlockingQueue<Event> inbox;
  private final long tickNanos;
  private final int maxDrain;
  private final long maxCatchUpTicks;
  private final Thread thread;
  private final AtomicLong droppedInbound = new AtomicLong();
  /** Writes snapshot files, so that the node thread never waits for one (see NodeDriver). */
  private final ExecutorService snapshotWriter;
  private final Queue<Runnable> onNodeThread = new ConcurrentLinkedQueue<>();

  private volatile NodeStatus status;
  private volatile boolean accepting;
  private volatile String failure;
  /** {@link #accepting}, as {@link RequestHandoff} reads it (one object, not one per request). */
  private final BooleanSupplier isAccepting = () -> accepting;
  private final Consumer<Event> rejectUnhandled = this::rejectUnhandled;
  /** The event the node thread is handing to the driver; node thread only. */
  private Event inHand;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  /**
   * @param maxCatchUpTicks most ticks fed at once after a pause: enough to expire every timer and
   *     lease, no more
   */
  NodeLoop(String nodeId, NodeDriver driver, LogStore store, Transport transport, int inboxCapacity,
      long tickNanos, int maxDrain, long maxCatchUpTicks) {
    this.nodeId = nodeId;
    this.driver = driver;
    this.store = store;
    this.transport = transport;
    this.inbox = new ArrayBlockingQueue<>(inboxCapacity);
    this.tickNanos = tickNanos;
    this.maxDrain = maxDrain;
    this.maxCatchUpTicks = maxCatchUpTicks;
    this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bellwether-snapshot-" + nodeId);
      t.setDaemon(true);
      return t;
    });
    driver.writeSnapshotsOn(snapshotWriter, task -> {
      onNodeThread.add(task);
      inbox.offer(new Wake()); // when the inbox is full the loop is busy and will see the task anyway
    });
    this.status = driver.status(false, null);
    this.thread = new Thread(this::run, "bellwether-node-" + nodeId);
  }

  /** Starts the transport, then the node thread. */
  void start() {
    transport.start(new Transport.InboundHandler() {
      @Override
      public void onMessage(Message message) {
        if (!inbox.offer(new Inbound(message, System.nanoTime()))) droppedInbound.incrementAndGet();
      }

      @Override
      public void onPeerUnreachable(String peer) {
        inbox.offer(new PeerUnreachable(peer)); // a hint: lost when the inbox is full, like a message
      }
    });
    accepting = true;
    thread.start();
  }

  void propose(byte[] command, CompletableFuture<Applied> future) {
    offerRequest(new Propose(command, future), future);
  }

  void query(byte[] query, ReadConsistency consistency, long minIndex,
      CompletableFuture<QueryResult> future) {
    offerRequest(new Query(query, consistency, minIndex, future), future);
  }

  void transferLeadership(String target, CompletableFuture<String> future) {
    offerRequest(new Transfer(target, future), future);
  }

  void changeMembership(ToLongFunction<RaftEngine> change, CompletableFuture<Membership> future) {
    offerRequest(new MembershipChange(change, future), future);
  }

  private void offerRequest(Event e, CompletableFuture<?> f) {
    RequestHandoff.offer(inbox, isAccepting, nodeId, e, f, rejectUnhandled);
  }

  /** See {@link RaftNode#stopped()}. */
  CompletableFuture<Void> stopped() {
    return stopped;
  }

  NodeStatus status() {
    return status;
  }

  long droppedInbound() {
    return droppedInbound.get();
  }

  private void run() {
    Throwable fatal = null;
    long lastTick = System.nanoTime();
    try {
      while (true) {
        long wait = lastTick + tickNanos - System.nanoTime();
        Event first = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
        boolean stop = false;
        Event e = first;
        for (int drained = 0; e != null; e = ++drained < maxDrain ? inbox.poll() : null) {
          inHand = e;
          lastTick = tickElapsed(lastTick, timeOf(e));
          if (!handle(e)) {
            stop = true;
            break;
          }
        }
        inHand = null;
        for (Runnable task; (task = onNodeThread.poll()) != null; ) task.run();
        // Time up to now, or only up to the next waiting message when the batch was cut at maxDrain.
        Event next = inbox.peek();
        lastTick = tickElapsed(lastTick, next == null ? System.nanoTime() : timeOf(next));
        driver.flush(); // persist + sync once for the whole batch, then send, then apply
        status = driver.status(true, null);
        if (stop) break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // A storage failure or a broken invariant: stop rather than act on state we cannot trust.
      fatal = e;
      failure = e.toString();
      LOG.error("node {} stopped on an unrecoverable error", nodeId, e);
    } finally {
      accepting = false;
      snapshotWriter.shutdown(); // a write in progress finishes; its result is never switched to
      // Say why: a client told only "stopped" would take an error for an orderly shutdown.
      driver.failAllPending(fatal == null
          ? "node " + nodeId + " stopped"
          : "node " + nodeId + " stopped on an unrecoverable error (" + fatal + ")");
      if (inHand != null) failInHand(inHand);
      Event e;
      while ((e = inbox.poll()) != null) rejectUnhandled(e);
      endSnapshotTransfers();
      status = driver.status(false, failure);
      if (fatal == null) stopped.complete(null); else stopped.completeExceptionally(fatal);
    }
  }

  /** Releases the files of snapshot transfers in progress; after a failure too, so best effort. */
  private void endSnapshotTransfers() {
    try {
      driver.endSnapshotTransfers();
    } catch (RuntimeException e) {
      LOG.warn("node {}: ending its snapshot transfers failed", nodeId, e);
    }
  }

  /**
   * The moment an event belongs to. A peer's message counts from when it arrived: the node may have
   * been busy (a slow sync, a GC pause) while it waited in the inbox, and feeding that busy time
   * first would make a heartbeat that came in time look late, so a busy follower would start an
   * election and a busy leader would step down (check-quorum) for no fault of their peers'. This is
   * safe for the lease: a follower's vote refusal then counts from the heartbeat's arrival, which is
   * after the leader sent it. A client's request counts from now: before a lease read, the engine
   * must know all the time that has passed, also across a pause.
   */
  private static long timeOf(Event e) {
    return e instanceof Inbound in ? in.arrivedNanos() : System.nanoTime();
  }

  /**
   * Feeds the driver one tick per tick length elapsed from {@code lastTick} to {@code upTo} (nothing
   * if {@code upTo} is earlier: time never runs backwards). After a long pause that is many ticks at
   * once (capped: enough to expire every timer and lease, no more).
   *
   * @return the time the last tick fed stands for
   */
  private long tickElapsed(long lastTick, long upTo) {
    long elapsed = (upTo - lastTick) / tickNanos;
    if (elapsed <= 0) return lastTick;
    for (long i = 0; i < Math.min(elapsed, maxCatchUpTicks); i++) driver.tick();
    return lastTick + elapsed * tickNanos;
  }

  private boolean handle(Event e) {
    if (e instanceof Inbound in) {
      driver.receive(in.message());
    } else if (e instanceof Propose p) {
      driver.propose(p.command(), p.future());
    } else if (e instanceof Query q) {
      driver.query(q.query(), q.consistency(), q.minIndex(), q.future());
    } else if (e instanceof Transfer t) {
      driver.transferLeadership(t.target(), t.future());
    } else if (e instanceof MembershipChange c) {
      driver.changeMembership(c.change(), c.future());
    } else if (e instanceof PeerUnreachable u) {
      driver.peerUnreachable(u.peer());
    } else if (e instanceof Stop) {
      return false;
    } // Wake: nothing, the loop runs the queued tasks after the batch
    return true;
  }

  /**
   * The node stopped while handing {@code e} to the driver (the driver or the engine threw). The
   * driver may or may not have registered it: {@link NodeDriver#failAllPending} answered it if it
   * did (completing a future twice changes nothing), and otherwise nobody else ever will. A proposal
   * may already be in the engine's log, so its fate is unknown; a read has no effect to be unsure of.
   */
  private void failInHand(Event e) {
    String why = "node " + nodeId + " stopped while taking this request";
    if (e instanceof Propose p) {
      p.future().completeExceptionally(
          new OutcomeUnknownException(OutcomeUnknownException.Reason.SHUTTING_DOWN, why));
    }
    if (e instanceof Query q) {
      q.future().completeExceptionally(new RequestFailedException(Reason.SHUTTING_DOWN, why));
    }
    if (e instanceof Transfer t) {
      t.future().completeExceptionally(
          new OutcomeUnknownException(OutcomeUnknownException.Reason.SHUTTING_DOWN, why));
    }
  }

  /** Fails a request the node thread never took from the inbox: it certainly did not happen. */
  private void rejectUnhandled(Event e) {
    RequestFailedException stopped =
        new RequestFailedException(Reason.SHUTTING_DOWN, "node " + nodeId + " stopped");
    if (e instanceof Propose p) p.future().completeExceptionally(stopped);
    if (e instanceof Query q) q.future().completeExceptionally(stopped);
    if (e instanceof Transfer t) t.future().completeExceptionally(stopped);
  }

  /**
   * Stops the node thread (answering what it held), waits for a snapshot write in progress, then
   * closes the transport and the store. Idempotent.
   */
  void close() {
    accepting = false;
    if (thread.isAlive()) {
      while (!inbox.offer(new Stop())) {
        // Make room. What is dropped never reaches the node thread, so it is answered here, as
        // certainly not done: the thread's own drain at exit will never see it.
        Event dropped = inbox.poll();
        if (dropped != null) rejectUnhandled(dropped);
      }
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopped.complete(null); // no-op unless the thread never started
    snapshotWriter.shutdown();
    try {
      // A snapshot write must not outlive the store it writes into.
      if (!snapshotWriter.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("node {}: snapshot writer still busy after 30 s; closing anyway", nodeId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    store.close();
  }
}
