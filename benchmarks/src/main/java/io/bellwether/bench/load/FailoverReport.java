package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * One failover trial. {@code firstWriteAfterKillMs}: from the kill to the acknowledgment of the first
 * write that was sent after the kill and succeeded; {@code gapMs}: from the last write acknowledged
 * before the kill to that same acknowledgment; {@code timelineGapMs}: the longest run of 100 ms
 * buckets without any success from the kill's bucket on. A negative time means "none seen".
 */
record FailoverReport(
    FailoverSpec spec,
    Endpoint killed,
    long killedPid,
    boolean killConfirmed,
    Instant killTime,
    long killAtMs,
    double firstWriteAfterKillMs,
    Endpoint firstWriteVia,
    double gapMs,
    long timelineGapMs,
    String newLeader,
    long writesBeforeKill,
    long writesAfterKill,
    int probesSent,
    Map<String, Long> errors,
    long errorCount) {

  boolean succeeded() {
    return firstWriteAfterKillMs >= 0;
  }

  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("target", spec.target().name().toLowerCase());
    o.put("killedUrl", killed.url());
    o.put("killedPid", killedPid);
    o.put("signal", spec.signal().name());
    o.put("killConfirmed", killConfirmed);
    o.put("killTime", killTime.toString());
    o.put("killAtMs", killAtMs);
    if (succeeded()) o.put("firstWriteAfterKillMs", LatencySummary.round(firstWriteAfterKillMs));
    else o.putNull("firstWriteAfterKillMs");
    o.put("firstWriteVia", firstWriteVia == null ? null : firstWriteVia.url());
    if (gapMs >= 0) o.put("gapMs", LatencySummary.round(gapMs));
    else o.putNull("gapMs");
    o.put("timelineGapMs", timelineGapMs);
    o.put("newLeader", newLeader);
    o.put("connections", spec.connections());
    o.put("settleSeconds", spec.settle().toMillis() / 1000.0);
    o.put("maxWaitSeconds", spec.maxWait().toMillis() / 1000.0);
    o.put("writeTo", spec.writeTo().name().toLowerCase());
    o.put("writesBeforeKill", writesBeforeKill);
    o.put("writesAfterKill", writesAfterKill);
    o.put("probesSent", probesSent);
    o.put("errorCount", errorCount);
    ObjectNode e = o.putObject("errors");
    errors.forEach(e::put);
    o.put("seed", spec.seed());
    o.put("ok", succeeded());
    return o;
  }

  String toText() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("bellwether-bench failover: target=%s connections=%d settle=%.1fs write-to=%s seed=%d%n",
        spec.target().name().toLowerCase(), spec.connections(), spec.settle().toMillis() / 1000.0,
        spec.writeTo().name().toLowerCase(), spec.seed()));
    s.append(String.format("%s leader       %s (pid %d, SIG%s, %s) at %s (%d ms into the run)%n",
        spec.signal() == FailoverSpec.Signal.STOP ? "stopped" : "killed ", killed, killedPid, spec.signal(),
        killConfirmed ? "exited" : "EXIT NOT CONFIRMED", killTime, killAtMs));
    if (succeeded()) {
      s.append(String.format("first write after    %.1f ms (sent after the kill, acknowledged via %s)%n",
          firstWriteAfterKillMs, firstWriteVia));
    } else {
      s.append(String.format("first write after    NONE within %.1f s%n", spec.maxWait().toMillis() / 1000.0));
    }
    s.append(String.format("gap                  %s (last ack before the kill to that first ack); timeline: %d ms"
        + " without a success%n", gapMs >= 0 ? String.format("%.1f ms", gapMs) : "-", timelineGapMs));
    s.append(String.format("new leader           %s%n", newLeader == null ? "unknown" : newLeader));
    s.append(String.format("writes ok            %d before the kill, %d sent after it (%d probes)%n",
        writesBeforeKill, writesAfterKill, probesSent));
    s.append(String.format("errors               %d (the writers'; failed probes are only in the timeline)%n",
        errorCount));
    errors.forEach((kind, n) -> s.append(String.format("  %-40s %d%n", kind, n)));
    return s.toString();
  }
}
