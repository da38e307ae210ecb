package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of a watch run: the write load's own report, and what the watchers received of it.
 * "In the window": writes acknowledged after the warm-up (and the events of those writes).
 */
record WatchReport(
    LoadReport load,
    int watchers,
    List<Endpoint> watcherEndpoints,
    List<String> closedWith,
    DeliveryLedger.Summary delivery,
    boolean caughtUp,
    double catchUpWaitMs) {

  double seconds() {
    return load.spec().duration().toNanos() / 1e9;
  }

  /** Events delivered per acknowledged write and watcher in the window: 1.0 when none is missing. */
  double deliveryRatio() {
    long expected = delivery.ackedInWindow() * watchers;
    return expected == 0 ? 0 : (double) delivery.deliveredInWindow() / expected;
  }

  /** Watchers the node (or the network) ended before the tool closed them, by reason. */
  Map<String, Long> dropped() {
    Map<String, Long> out = new TreeMap<>();
    for (String why : closedWith) {
      if (why != null) out.merge(why.replaceAll(" at .*", ""), 1L, Long::sum);
    }
    return out;
  }

  /** Every watcher got every acknowledged write once, in order, and none was dropped. */
  boolean complete() {
    return delivery.completeWatchers() == watchers && dropped().isEmpty() && caughtUp;
  }

  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("watchers", watchers);
    o.put("prefix", load.spec().keyPrefix());
    o.put("durationSeconds", seconds());
    o.put("writesPerSecond", LatencySummary.round(load.throughput()));
    o.put("ackedWrites", delivery.ackedWrites());
    o.put("ackedInWindow", delivery.ackedInWindow());
    o.put("eventsDelivered", delivery.deliveredInWindow());
    o.put("eventsPerSecond", LatencySummary.round(delivery.deliveredInWindow() / seconds()));
    o.put("deliveryRatio", LatencySummary.round(deliveryRatio()));
    o.put("completeWatchers", delivery.completeWatchers());
    o.put("missing", delivery.totalMissing());
    o.put("duplicates", delivery.totalDuplicates());
    o.put("outOfOrder", delivery.totalOutOfOrder());
    o.put("unexpected", delivery.totalUnexpected());
    ObjectNode d = o.putObject("dropped");
    dropped().forEach(d::put);
    o.set("delay", LatencySummary.of(delivery.delaysMicros()).toJson());
    o.put("eventsBeforeAck", delivery.beforeAck());
    o.put("caughtUp", caughtUp);
    double catchUp = delivery.catchUpMs();
    if (catchUp >= 0 && caughtUp) o.put("catchUpMs", LatencySummary.round(catchUp));
    else o.putNull("catchUpMs");
    o.put("catchUpWaitMs", LatencySummary.round(catchUpWaitMs));
    ArrayNode per = o.putArray("perWatcher");
    for (int w = 0; w < watchers; w++) {
      ObjectNode p = per.addObject();
      p.put("endpoint", watcherEndpoints.get(w).url());
      p.put("received", delivery.received()[w]);
      p.put("missing", delivery.missing()[w]);
      p.put("duplicates", delivery.duplicates()[w]);
      p.put("outOfOrder", delivery.outOfOrder()[w]);
      p.put("unexpected", delivery.unexpected()[w]);
      p.put("closedWith", closedWith.get(w));
    }
    o.set("load", load.toJson());
    return o;
  }

  String toText() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("bellwether-bench watch: %d watchers of prefix '%s' over %s%n", watchers,
        load.spec().keyPrefix(), load.spec().endpoints()));
    s.append(String.format("writes       %.1f/s acknowledged (%d in the window, %d in the whole run)%n",
        load.throughput(), delivery.ackedInWindow(), delivery.ackedWrites()));
    s.append(String.format("events       %.1f/s delivered in total (%d; %.4f per write and watcher)%n",
        delivery.deliveredInWindow() / seconds(), delivery.deliveredInWindow(), deliveryRatio()));
    s.append(String.format("complete     %d of %d watchers; missing %d, duplicates %d, out of order %d;"
            + " %d events of writes not acknowledged%n", delivery.completeWatchers(), watchers,
        delivery.totalMissing(), delivery.totalDuplicates(), delivery.totalOutOfOrder(), delivery.totalUnexpected()));
    Map<String, Long> dropped = dropped();
    s.append(String.format("dropped      %d%n", dropped.values().stream().mapToLong(Long::longValue).sum()));
    dropped.forEach((why, n) -> s.append(String.format("  %-40s %d%n", why, n)));
    s.append(String.format("delay (ms) %12s %9s %9s %9s %9s %9s   (write acknowledged -> event at a watcher)%n",
        "count", "p50", "p90", "p99", "p99.9", "max"));
    s.append(LatencySummary.of(delivery.delaysMicros()).row("event"));
    s.append(String.format("  %d of them arrived before the write's acknowledgement (counted as 0)%n", delivery.beforeAck()));
    double catchUp = delivery.catchUpMs();
    s.append(caughtUp && catchUp >= 0
        ? String.format("catch-up     %.1f ms from the last acknowledgement to the slowest watcher's last event%n", catchUp)
        : String.format("catch-up     not reached: gave up %.0f ms after the load%n", catchUpWaitMs));
    s.append("--- the write load ---\n").append(load.toText());
    return s.toString();
  }
}
