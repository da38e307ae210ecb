package io.bellwether.node.e2e;

import io.bellwether.testkit.lin.History;
import io.bellwether.testkit.lin.HistoryJson;
import io.bellwether.testkit.lin.Op;
import io.bellwether.testkit.lin.Op.F;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the clients saw. Linearizable operations (put, linearizable get, compare-and-set) are core's
 * {@link Op} events in a core {@link History}, the very history the simulation records, for the
 * linearizability checker and for {@link HistoryJson}, the one file format of histories; stale
 * reads are kept apart and checked here: a stale read may be old, but never invent a value, never
 * go below its {@code minIndex}, and never pair a version with another write's value.
 *
 * <p>Every method is synchronized and takes the time inside the lock, so event times follow the
 * order of the history.
 */
final class ClientHistory {

  /** A stale read that answered 200 or 404. {@code value} null = absent, {@code version} 0 then. */
  record StaleRead(int process, String key, long minIndex, String value, long version, long appliedIndex,
      String node, long knownVersionOfKey) {}

  private final long startNanos = System.nanoTime();
  private final History history = new History();
  private final List<StaleRead> staleReads = new ArrayList<>();
  /** Every value a write or cas tried to write, and those certainly not written (FAIL). */
  private final Set<String> attempted = new HashSet<>();
  private final Set<String> failed = new HashSet<>();
  /** Acknowledged writes: the version (log index) each created, with its value. */
  private final Map<Long, String> valueAtVersion = new HashMap<>();
  /** The highest acknowledged version of each key. */
  private final Map<String, Long> lastAcknowledged = new HashMap<>();
  /** A version seen by any read together with its value: every read is checked against the others. */
  private final Map<Long, String> readAtVersion = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  private long now() {
    return System.nanoTime() - startNanos;
  }

  /** A request sent; {@code expected} is a cas's expected value (null = absent), else unused. */
  synchronized void invoke(int process, F f, String key, String value, String expected) {
    if (value != null) attempted.add(value);
    history.add(f == F.CAS
        ? Op.invokeCas(process, key, expected, value, now())
        : Op.invoke(process, f, key, value, now()));
  }

  synchronized void ok(int process, F f, String key, String readValue, String node) {
    history.add(Op.ok(process, f, key, f == F.READ ? readValue : null, now()).withNode(node));
  }

  /** A write or cas that certainly did not happen; its value must never be read. */
  synchronized void fail(int process, F f, String key, String value, String error) {
    if (value != null) failed.add(value);
    history.add(Op.fail(process, f, key, now(), error));
  }

  synchronized void info(int process, F f, String key, String error) {
    history.add(Op.info(process, f, key, now(), error));
  }

  synchronized void acknowledged(String key, String value, long version) {
    String before = valueAtVersion.putIfAbsent(version, value);
    if (before != null && !before.equals(value)) {
      problems.add("two acknowledged writes at version " + version + ": '" + before + "' and '" + value + "'");
    }
    lastAcknowledged.merge(key, version, Math::max);
    checkVersion(key, value, version, "write");
  }

  /** The highest version of {@code key} a write was acknowledged at (0: none), and its value. */
  synchronized Map.Entry<Long, String> lastAcknowledged(String key) {
    long version = lastAcknowledged.getOrDefault(key, 0L);
    return Map.entry(version, version == 0 ? "" : valueAtVersion.get(version));
  }

  /** Checks a value read with its version (ETag) against every other sighting of that version. */
  synchronized void readWithVersion(String key, String value, long version, String how) {
    checkVersion(key, value, version, how);
  }

  private void checkVersion(String key, String value, long version, String how) {
    if (value == null) return;
    String acked = valueAtVersion.get(version);
    String seen = readAtVersion.putIfAbsent(version, value);
    if ((acked != null && !acked.equals(value)) || (seen != null && !seen.equals(value))) {
      problems.add(how + " of " + key + " returned '" + value + "' at version " + version + ", but that version"
          + " holds '" + (acked != null ? acked : seen) + "'");
    }
  }

  synchronized void staleRead(StaleRead r) {
    staleReads.add(r);
  }

  /** Problems found in stale reads and versions; empty when every check holds. */
  synchronized List<String> staleReadProblems() {
    List<String> out = new ArrayList<>(problems);
    for (StaleRead r : staleReads) {
      if (r.value != null && !attempted.contains(r.value)) {
        out.add("stale read returned a value never written: " + r);
      }
      if (r.value != null && failed.contains(r.value)) {
        out.add("stale read returned the value of a write answered as certainly failed: " + r);
      }
      if (r.appliedIndex < r.minIndex) {
        out.add("stale read answered below its minIndex: " + r);
      }
      if (r.version > r.appliedIndex) {
        out.add("stale read returned a version above the node's applied index: " + r);
      }
      if (r.version < r.knownVersionOfKey) {
        out.add("stale read with minIndex went back before this client's own acknowledged write: " + r);
      }
    }
    return out;
  }

  /** The linearizable operations so far. */
  synchronized History history() {
    return History.of(history.ops());
  }

  synchronized int staleReadCount() {
    return staleReads.size();
  }

  synchronized Map<Op.Type, Integer> countByType() {
    Map<Op.Type, Integer> counts = new java.util.EnumMap<>(Op.Type.class);
    for (Op op : history.ops()) counts.merge(op.type(), 1, Integer::sum);
    return counts;
  }

  /** Writes the stale reads, one JSON object a line. */
  synchronized void writeStaleReads(Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (StaleRead r : staleReads) {
        out.write(new JsonObject().put("process", r.process).put("key", r.key).put("minIndex", r.minIndex)
            .put("value", r.value).put("version", r.version).put("appliedIndex", r.appliedIndex)
            .put("node", r.node).put("knownVersionOfKey", r.knownVersionOfKey).encode());
        out.write('\n');
      }
    }
  }
}
