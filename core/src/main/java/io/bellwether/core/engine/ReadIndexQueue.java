package io.bellwether.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader's ReadIndex bookkeeping (thesis §6.4). A read is registered with the current commit
 * index and a sequence number; the leader then runs one heartbeat round carrying the newest sequence.
 * A read is confirmed once a majority (the leader included) has echoed a sequence at least its own:
 * that proves the leader was still leader after the read arrived, so no newer leader can have
 * committed anything the read would miss. Reads that arrive together share one round.
 */
final class ReadIndexQueue {

  /** A read waiting for confirmation; {@code origin} is null for this node's own clients. */
  record PendingRead(long seq, long readIndex, long requestId, String origin) {}

  /** A read that arrived before the leader committed an entry of its own term. */
  record ParkedRead(long requestId, String origin) {}

  private final ArrayDeque<PendingRead> waiting = new ArrayDeque<>();
  private final List<ParkedRead> parked = new ArrayList<>();

  /** Sequence carried by the newest heartbeat round sent. */
  private long sentSeq;

  private boolean roundNeeded;

  /** Starts a heartbeat round: returns the sequence it carries. */
  long nextRound() {
    roundNeeded = false;
    return ++sentSeq;
  }

  long sentSeq() {
    return sentSeq;
  }

  void park(long requestId, String origin) {
    parked.add(new ParkedRead(requestId, origin));
  }

  List<ParkedRead> takeParked() {
    List<ParkedRead> out = List.copyOf(parked);
    parked.clear();
    return out;
  }

  /** Registers a read; it is confirmed by the next round to be sent, or any later one. */
  void register(long readIndex, long requestId, String origin) {
    waiting.addLast(new PendingRead(sentSeq + 1, readIndex, requestId, origin));
    roundNeeded = true;
  }

  boolean roundNeeded() {
    return roundNeeded;
  }

  /** The oldest unconfirmed read, or null. */
  PendingRead peek() {
    return waiting.peekFirst();
  }

  PendingRead poll() {
    return waiting.pollFirst();
  }

  /** Every read, waiting or parked, removed: the leader lost its leadership. */
  List<PendingRead> drainAll() {
    List<PendingRead> out = new ArrayList<>(waiting);
    for (ParkedRead p : parked) out.add(new PendingRead(0, 0, p.requestId(), p.origin()));
    waiting.clear();
    parked.clear();
    roundNeeded = false;
    return out;
  }
}
