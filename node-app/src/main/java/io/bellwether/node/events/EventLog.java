package io.bellwether.node.events;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Role;
import io.bellwether.core.engine.StepDownReason;
import io.bellwether.core.runtime.NodeObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's structured event log: role changes, elections with their cause, new leaders with how
 * long this member had none, step-downs, configuration changes, snapshots, and syncs slower than a
 * threshold. Each event gets the next sequence number, one line on the logger {@code
 * io.bellwether.events} (WARN for a sync stall, INFO otherwise), a count in {@code
 * bellwether_events_total{type}}, a place among the last {@value #RETAINED} kept for streams that
 * connect or reconnect, and is handed to every subscriber.
 *
 * <p>Threads: the observer methods run on the node thread; subscribers are called there too, under
 * this log's lock, so they must only hand the event on (an event stream schedules a write on its own
 * Vert.x context). {@link #subscribe} may be called from any thread.
 */
public final class EventLog implements NodeObserver {

  /** Events kept for streams that connect later: a few failovers' worth. */
  public static final int RETAINED = 256;

  private static final Logger LOG = LoggerFactory.getLogger("io.bellwether.events");

  private final String nodeId;
  private final Clock clock;
  private final long stallNanos;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final ArrayDeque<NodeEvent> retained = new ArrayDeque<>();
  private final List<Consumer<NodeEvent>> subscribers = new ArrayList<>();
  private long seq;
  private volatile long term;

  /**
   * @param syncStallMillis a sync that takes at least this long is a {@code sync_stall} event
   *     (setting {@code events.sync.stall.ms})
   */
  public EventLog(String nodeId, Clock clock, long syncStallMillis, MeterRegistry registry) {
    this.nodeId = nodeId;
    this.clock = clock;
    this.stallNanos = TimeUnit.MILLISECONDS.toNanos(syncStallMillis);
    this.registry = registry;
  }

  /**
   * Registers {@code subscriber} for every event after {@code afterSeq} and returns those of them
   * still retained, oldest first, atomically: an event is either in the list or handed to the
   * subscriber, never both, never neither (unless it was no longer retained).
   */
  public synchronized List<NodeEvent> subscribe(long afterSeq, Consumer<NodeEvent> subscriber) {
    subscribers.add(subscriber);
    List<NodeEvent> missed = new ArrayList<>();
    for (NodeEvent e : retained) if (e.seq() > afterSeq) missed.add(e);
    return missed;
  }

  public synchronized void unsubscribe(Consumer<NodeEvent> subscriber) {
    subscribers.remove(subscriber);
  }

  /** The sequence number of the latest event, 0 before the first. */
  public synchronized long lastSeq() {
    return seq;
  }

  /** The oldest sequence number still retained, or {@code lastSeq() + 1} when none is. */
  public synchronized long oldestRetained() {
    return retained.isEmpty() ? seq + 1 : retained.peekFirst().seq();
  }

  // ---------------------------------------------------------------- NodeObserver (node thread)

  @Override
  public void roleChanged(Role role, long term, String leader) {
    this.term = term;
    record("role_changed", term, new JsonObject().put("role", role.name().toLowerCase(Locale.ROOT))
        .put("leader", leader));
  }

  @Override
  public void electionStarted(long term, ElectionCause cause) {
    this.term = term;
    record("election_started", term, new JsonObject().put("cause", cause.label()));
  }

  @Override
  public void leaderFound(long term, String leader, String previousLeader, long leaderlessNanos,
      ElectionCause cause) {
    this.term = term;
    record("leader_changed", term, new JsonObject().put("leader", leader).put("previousLeader", previousLeader)
        .put("leaderlessMs", TimeUnit.NANOSECONDS.toMillis(leaderlessNanos))
        .put("cause", cause == null ? null : cause.label()));
  }

  @Override
  public void steppedDown(long term, StepDownReason reason) {
    record("stepped_down", term, new JsonObject().put("reason", reason.label()));
  }

  @Override
  public void membershipChanged(Membership membership) {
    record("membership_changed", term, new JsonObject().put("index", membership.index())
        .put("voters", new JsonArray(List.copyOf(membership.voters())))
        .put("learners", new JsonArray(List.copyOf(membership.learners()))));
  }

  @Override
  public void snapshotTaken(long index, long bytes) {
    record("snapshot_taken", term, new JsonObject().put("index", index).put("bytes", bytes));
  }

  @Override
  public void snapshotInstalled(long index, String leader) {
    record("snapshot_installed", term, new JsonObject().put("index", index).put("from", leader));
  }

  @Override
  public void snapshotSent(String follower, long index) {
    record("snapshot_sent", term, new JsonObject().put("to", follower).put("index", index));
  }

  @Override
  public void synced(long durationNanos, int entries) {
    if (durationNanos < stallNanos) return;
    record("sync_stall", term, new JsonObject().put("millis", TimeUnit.NANOSECONDS.toMillis(durationNanos))
        .put("entries", entries));
  }

  private void record(String type, long term, JsonObject fields) {
    NodeEvent event;
    synchronized (this) {
      event = new NodeEvent(++seq, clock.millis(), nodeId, type, term, fields);
      retained.addLast(event);
      if (retained.size() > RETAINED) retained.removeFirst();
      for (Consumer<NodeEvent> s : subscribers) s.accept(event);
    }
    counters.computeIfAbsent(type, t -> Counter.builder("bellwether.events").tag("type", t)
        .description("events in the node's event log, by type").register(registry)).increment();
    if ("sync_stall".equals(type)) {
      LOG.warn("event {}", event.logLine());
    } else {
      LOG.info("event {}", event.logLine());
    }
  }
}
