package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The result of a load run. {@code ops} counts successful operations whose (intended) start fell in
 * the measured window (after the warm-up); {@code throughput} is {@code ops / durationSeconds}, or for
 * a fill (which ends once its keys are written) {@code ops / elapsedSeconds}; failed operations are
 * counted in {@code errors} by kind and are not in the latency figures.
 */
record LoadReport(
    LoadSpec spec,
    String leader,
    long ops,
    double throughput,
    long sent,
    long unsent,
    Map<String, Long> errors,
    long errorCount,
    long notFound,
    LatencySummary read,
    LatencySummary write,
    int leaderChanges,
    double elapsedSeconds) {

  /** The JSON form; its field names are stable (scripts read them). */
  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("target", spec.target().name().toLowerCase());
    o.put("workload", spec.workload().name().toLowerCase());
    o.put("connections", spec.connections());
    o.put("rate", spec.rate());
    o.put("durationSeconds", spec.duration().toMillis() / 1000.0);
    o.put("warmupSeconds", spec.warmup().toMillis() / 1000.0);
    o.put("ops", ops);
    o.put("throughput", LatencySummary.round(throughput));
    o.put("sent", sent);
    o.put("unsent", unsent);
    o.put("errorCount", errorCount);
    ObjectNode e = o.putObject("errors");
    errors.forEach(e::put);
    o.put("notFound", notFound);
    o.set("read", read.toJson());
    o.set("write", write.toJson());
    // A keepalive run's operations are counted as reads; the same figures under their own name.
    if (spec.workload() == Workload.KEEPALIVE) o.set("keepalive", read.toJson());
    if (spec.workload() == Workload.FILL) {
      // A fill writes each key once: keysWritten short of keysToWrite means --duration ran out first.
      o.put("fillFrom", spec.fillFrom());
      o.put("fillTo", spec.fillTo());
      o.put("keysToWrite", spec.fillCount());
      o.put("keysWritten", write.count());
    }
    o.put("consistency", spec.consistency().name().toLowerCase());
    o.put("readFraction", spec.readFraction());
    o.put("writeTo", spec.writeTo().name().toLowerCase());
    o.put("readFrom", spec.readFrom().name().toLowerCase());
    o.put("keys", spec.keys());
    o.put("valueSize", spec.valueSize());
    o.put("seed", spec.seed());
    o.putPOJO("endpoints", spec.endpoints().stream().map(Endpoint::url).toList());
    o.put("leader", leader);
    o.put("leaderChanges", leaderChanges);
    o.put("elapsedSeconds", LatencySummary.round(elapsedSeconds));
    return o;
  }

  String toText() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("bellwether-bench load: target=%s workload=%s%s connections=%d rate=%s duration=%.1fs"
            + " warmup=%.1fs keys=%d value-size=%d seed=%d%n",
        spec.target().name().toLowerCase(), spec.workload().name().toLowerCase(),
        spec.workload() == Workload.MIXED ? " (read fraction " + spec.readFraction() + ")" : "",
        spec.connections(), spec.rate() > 0 ? spec.rate() + "/s" : "closed-loop",
        spec.duration().toMillis() / 1000.0, spec.warmup().toMillis() / 1000.0, spec.keys(), spec.valueSize(),
        spec.seed()));
    s.append(String.format("endpoints %s; write-to=%s read-from=%s consistency=%s; leader at start: %s%n",
        spec.endpoints(), spec.writeTo().name().toLowerCase(), spec.readFrom().name().toLowerCase(),
        spec.consistency().name().toLowerCase(), leader == null ? "not looked up" : leader));
    if (spec.workload() == Workload.KEEPALIVE) {
      s.append(String.format("ops          %d keepalives of %d leases%n", ops, spec.keys()));
    } else if (spec.workload() == Workload.FILL) {
      s.append(String.format("ops          %d keys written of %d (indexes %d..%d) in %.1f s%n", ops, spec.fillCount(),
          spec.fillFrom(), spec.fillTo() - 1, elapsedSeconds));
    } else {
      s.append(String.format("ops          %d (reads %d, of which %d found no value; writes %d)%n",
          ops, read.count(), notFound, write.count()));
    }
    s.append(String.format("throughput   %.1f ops/s%n", throughput));
    if (spec.rate() > 0) {
      s.append(String.format("schedule     %d sent, %d due but not sent before the end (workers behind the rate)%n",
          sent, unsent));
    }
    s.append(String.format("errors       %d%n", errorCount));
    errors.forEach((kind, n) -> s.append(String.format("  %-40s %d%n", kind, n)));
    s.append(String.format("latency (ms) %10s %9s %9s %9s %9s %9s%n", "count", "p50", "p90", "p99", "p99.9", "max"));
    s.append(read.row(spec.workload() == Workload.KEEPALIVE ? "keepalive" : "read"));
    s.append(write.row("write"));
    s.append(String.format("leader changes seen: %d%n", leaderChanges));
    return s.toString();
  }
}
