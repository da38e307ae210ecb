package io.bellwether.testkit.sim;

import io.bellwether.core.message.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The network between the nodes of a {@link SimCluster}, on simulated time. Every message sent waits
 * in a queue until its delivery tick, drawn at send time from the link's delay; among the messages
 * that are due, the cluster picks one at random, so messages are reordered as on a real network.
 *
 * <p>Faults are set with a vocabulary that reads like the scenario: {@link #partition}, {@link
 * #isolate}, {@link #bridge}, {@link #cutOneWay}, {@link #dropRate}, {@link #duplicateRate}, {@link
 * #delay}, {@link #heal}. A cut link drops what is sent on it, and also what was already in flight on
 * it when it comes due (a cut cable loses the packets on it).
 *
 * <p>Messages to a paused node wait, as they would in its socket buffer, until it resumes ({@link
 * #hold}, {@link #release}).
 */
public final class SimNetwork {

  /** The baseline delay of a healthy link, in ticks (a tick is far longer than a LAN round trip). */
  static final int HEALTHY_DELAY_MIN_TICKS = 1;

  static final int HEALTHY_DELAY_MAX_TICKS = 2;

  private record InFlight(long seq, long deliverAtTick, Message message) {}

  private final List<String> ids;
  private final Map<String, Integer> indexOf = new HashMap<>();
  private final SplittableRandom random;

  /** cut[from][to]: nothing gets from {@code from} to {@code to}. */
  private final boolean[][] cut;

  private final double[][] dropRate;
  private double duplicateRate;
  private int delayMinTicks = HEALTHY_DELAY_MIN_TICKS;
  private int delayMaxTicks = HEALTHY_DELAY_MAX_TICKS;

  private final PriorityQueue<InFlight> inFlight =
      new PriorityQueue<>((a, b) -> a.deliverAtTick != b.deliverAtTick
          ? Long.compare(a.deliverAtTick, b.deliverAtTick)
          : Long.compare(a.seq, b.seq));
  private final List<InFlight> due = new ArrayList<>();
  private final Map<String, List<InFlight>> held = new HashMap<>();

  /** Stalled links ("from>to"): what comes due on them waits until released, kept, not lost. */
  private final Map<String, List<InFlight>> stalled = new HashMap<>();
  private long nextSeq;
  private long nowTicks;

  private long sentCount;
  private long droppedCount;
  private long duplicatedCount;
  private long deliveredCount;

  public SimNetwork(List<String> ids, SplittableRandom random) {
    this.ids = List.copyOf(ids);
    for (int i = 0; i < ids.size(); i++) indexOf.put(ids.get(i), i);
    this.random = random;
    this.cut = new boolean[ids.size()][ids.size()];
    this.dropRate = new double[ids.size()][ids.size()];
  }

  // ---------------------------------------------------------------- faults

  /** Cuts every link between {@code side} and the other nodes, both ways. */
  public void partition(Collection<String> side) {
    for (String a : side) {
      for (String b : ids) {
        if (!side.contains(b)) cutBothWays(a, b);
      }
    }
  }

  /** Cuts {@code node} off from everyone. */
  public void isolate(String node) {
    partition(Set.of(node));
  }

  /**
   * Cuts {@code left} from {@code right} both ways, while {@code bridge} (in neither) still talks to
   * both: the classic bridge partition, where a node sees two sides that cannot see each other.
   */
  public void bridge(Collection<String> left, Collection<String> right, String bridge) {
    if (left.contains(bridge) || right.contains(bridge)) {
      throw new IllegalArgumentException("the bridge " + bridge + " must be on neither side");
    }
    for (String a : left) {
      for (String b : right) cutBothWays(a, b);
    }
  }

  /** An asymmetric fault: {@code from} can no longer reach {@code to}, but the reverse still works. */
  public void cutOneWay(String from, String to) {
    cut[index(from)][index(to)] = true;
  }

  /** Restores the one link from {@code from} to {@code to}. */
  public void healOneWay(String from, String to) {
    cut[index(from)][index(to)] = false;
  }

  private void cutBothWays(String a, String b) {
    cut[index(a)][index(b)] = true;
    cut[index(b)][index(a)] = true;
  }

  /**
   * The link from {@code from} to {@code to} stalls: its messages are kept, not lost, and arrive
   * together when it is released (a TCP connection that hangs, then delivers its backlog).
   */
  public void stallLink(String from, String to) {
    List<InFlight> backlog = stalled.computeIfAbsent(from + ">" + to, k -> new ArrayList<>());
    for (int i = due.size() - 1; i >= 0; i--) { // what is due but not yet delivered stalls too
      Message m = due.get(i).message;
      if (m.from().equals(from) && m.to().equals(to)) backlog.add(due.remove(i));
    }
  }

  /** The stalled link delivers its backlog now (to a paused node: when it resumes). */
  public void releaseLink(String from, String to) {
    List<InFlight> backlog = stalled.remove(from + ">" + to);
    if (backlog != null) backlog.forEach(this::makeDue);
  }

  private void makeDue(InFlight m) {
    List<InFlight> buffer = held.get(m.message.to());
    if (buffer != null) {
      buffer.add(m);
    } else {
      due.add(m);
    }
  }

  /** Restores every link (loss, duplication and delay are left as they are). */
  public void healLinks() {
    for (boolean[] row : cut) java.util.Arrays.fill(row, false);
    for (List<InFlight> backlog : stalled.values()) backlog.forEach(this::makeDue);
    stalled.clear();
  }

  /** Restores a healthy network: no cut, no loss, no duplication, the baseline delay. */
  public void heal() {
    healLinks();
    dropRate(0);
    duplicateRate(0);
    delay(HEALTHY_DELAY_MIN_TICKS, HEALTHY_DELAY_MAX_TICKS);
  }

  /** Every link loses this fraction of the messages sent on it. */
  public void dropRate(double rate) {
    for (double[] row : dropRate) java.util.Arrays.fill(row, rate);
  }

  /** The link from {@code from} to {@code to} loses this fraction of its messages. */
  public void dropRate(String from, String to, double rate) {
    dropRate[index(from)][index(to)] = rate;
  }

  /** This fraction of the messages sent is delivered twice (each copy with its own delay). */
  public void duplicateRate(double rate) {
    this.duplicateRate = rate;
  }

  /** Each message takes between {@code minTicks} and {@code maxTicks} ticks to arrive. */
  public void delay(int minTicks, int maxTicks) {
    if (minTicks < 0 || maxTicks < minTicks) {
      throw new IllegalArgumentException("bad delay range " + minTicks + ".." + maxTicks);
    }
    this.delayMinTicks = minTicks;
    this.delayMaxTicks = maxTicks;
  }

  public boolean isCut(String from, String to) {
    return cut[index(from)][index(to)];
  }

  // ---------------------------------------------------------------- traffic

  /** Called by a node's {@link SimTransport}: the message is lost, or queued (maybe twice). */
  void send(Message message) {
    sentCount++;
    int from = index(message.from());
    int to = index(message.to());
    if (cut[from][to] || chance(dropRate[from][to])) {
      droppedCount++;
      return;
    }
    enqueue(message);
    if (chance(duplicateRate)) {
      duplicatedCount++;
      enqueue(message);
    }
  }

  private void enqueue(Message message) {
    long delay = delayMinTicks + random.nextInt(delayMaxTicks - delayMinTicks + 1);
    inFlight.add(new InFlight(nextSeq++, nowTicks + delay, message));
  }

  private boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }

  /** Simulated time moved on: messages whose delivery tick has come become due. */
  void advanceTo(long tick) {
    nowTicks = tick;
    while (!inFlight.isEmpty() && inFlight.peek().deliverAtTick <= tick) {
      InFlight m = inFlight.poll();
      List<InFlight> buffer = stalled.isEmpty() ? null
          : stalled.get(m.message.from() + ">" + m.message.to());
      if (buffer == null) buffer = held.get(m.message.to());
      if (buffer != null) {
        buffer.add(m);
      } else {
        due.add(m);
      }
    }
  }

  /** Messages that could be delivered now. */
  int dueCount() {
    return due.size();
  }

  /**
   * Takes the {@code i}-th due message (the caller draws {@code i} at random, which reorders).
   *
   * @return the message, or null when its link was cut while it was in flight (it is lost)
   */
  Message takeDue(int i) {
    InFlight m = due.get(i);
    due.set(i, due.get(due.size() - 1));
    due.remove(due.size() - 1);
    if (isCut(m.message.from(), m.message.to())) {
      droppedCount++;
      return null;
    }
    deliveredCount++;
    return m.message;
  }

  /** The node is paused: messages for it wait until {@link #release}. */
  void hold(String node) {
    List<InFlight> buffer = held.computeIfAbsent(node, n -> new ArrayList<>());
    for (int i = due.size() - 1; i >= 0; i--) {
      if (due.get(i).message.to().equals(node)) buffer.add(due.remove(i));
    }
  }

  /** The node resumed: what waited for it becomes due. */
  void release(String node) {
    List<InFlight> buffer = held.remove(node);
    if (buffer != null) due.addAll(buffer);
  }

  private int index(String node) {
    Integer i = indexOf.get(node);
    if (i == null) throw new IllegalArgumentException("unknown node " + node);
    return i;
  }

  public long sentCount() {
    return sentCount;
  }

  public long droppedCount() {
    return droppedCount;
  }

  public long duplicatedCount() {
    return duplicatedCount;
  }

  public long deliveredCount() {
    return deliveredCount;
  }
}
