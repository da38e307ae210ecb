package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

/** Count and percentiles of one histogram, in milliseconds (recorded in microseconds). */
record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {

  static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
    return new LatencySummary(h.getTotalCount(),
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("count", count).put("p50Ms", p50Ms).put("p90Ms", p90Ms).put("p99Ms", p99Ms)
        .put("p999Ms", p999Ms).put("maxMs", maxMs).put("meanMs", round(meanMs));
    return o;
  }

  String row(String name) {
    if (count == 0) return String.format("  %-6s %10d %9s %9s %9s %9s %9s%n", name, 0, "-", "-", "-", "-", "-");
    return String.format("  %-6s %10d %9.3f %9.3f %9.3f %9.3f %9.3f%n", name, count, p50Ms, p90Ms, p99Ms, p999Ms, maxMs);
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
