package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only client history. Real clients on many threads append to one instance; appends are
 * serialised, so the order of the history is an order in which the events were observed.
 */
public final class History {

  private final List<Op> ops = new ArrayList<>();

  public History() {}

  public static History of(List<Op> ops) {
    History history = new History();
    ops.forEach(history::add);
    return history;
  }

  /** Appends one event and returns it, so a client can write {@code h.add(Op.invokeRead(...))}. */
  public synchronized Op add(Op op) {
    ops.add(op);
    return op;
  }

  /** A snapshot of the events appended so far, in append order. */
  public synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  public synchronized int size() {
    return ops.size();
  }

  @Override
  public String toString() {
    return "History(" + size() + " events)";
  }
}
