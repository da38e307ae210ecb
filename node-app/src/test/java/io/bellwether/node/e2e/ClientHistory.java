package io.bellwether.node.e2e;

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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the clients saw. Linearizable operations (put, linearizable get, compare-and-set) are events
 * in the shape of core's {@code io.bellwether.core.lin.Op}, for the linearizability checker; stale
 * reads are kept apart and checked here: a stale read may be old, but never invent a value, never
 * go below its {@code minIndex}, and never pair a version with another write's value.
 *
 * <p>Every method is synchronized and takes the time inside the lock, so event times follow the
 * order of the history.
 */
final class ClientHistory {

  enum Type { INVOKE, OK, FAIL, INFO }

  enum F { READ, WRITE, CAS, DELETE }

  /** Mirrors core's {@code Op}: the same fields, and the same JSON lines as its {@code HistoryJson}. */
  record Event(int process, Type type, F f, String key, String value, String expected, long time, String node,
      String error) {}

  /** A stale read that answered 200 or 404. {@code value} null = absent, {@code version} 0 then. */
  record StaleRead(int process, String key, long minIndex, String value, long version, long appliedIndex,
      String node, long knownVersionOfKey) {}

  private final long startNanos = System.nanoTime();
  private final List<Event> events = new ArrayList<>();
  private final List<StaleRead> staleReads = new ArrayList<>();
  /** Every value a write or cas tried to write, and those certainly not written (FAIL). */
  private final Set<String> attempted = new HashSet<>();
  private final Set<String> failed = new HashSet<>();
  /** Acknowledged writes: the version (log index) each created, with its value. */
  private final Map<Long, String> valueAtVersion = new HashMap<>();
  /** A version seen by any read together with its value: every read is checked against the others. */
  private final Map<Long, String> readAtVersion = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  private long now() {
    return System.nanoTime() - startNanos;
  }

  synchronized void invoke(int process, F f, String key, String value, String expected) {
    if (value != null) attempted.add(value);
    events.add(new Event(process, Type.INVOKE, f, key, value, expected, now(), null, null));
  }

  synchronized void ok(int process, F f, String key, String readValue, String node) {
    events.add(new Event(process, Type.OK, f, key, f == F.READ ? readValue : null, null, now(), node, null));
  }

  /** A write or cas that certainly did not happen; its value must never be read. */
  synchronized void fail(int process, F f, String key, String value, String error) {
    if (value != null) failed.add(value);
    events.add(new Event(process, Type.FAIL, f, key, null, null, now(), null, error));
  }

  synchronized void info(int process, F f, String key, String error) {
    events.add(new Event(process, Type.INFO, f, key, null, null, now(), null, error));
  }

  synchronized void acknowledged(String key, String value, long version) {
    String before = valueAtVersion.putIfAbsent(version, value);
    if (before != null && !before.equals(value)) {
      problems.add("two acknowledged writes at version " + version + ": '" + before + "' and '" + value + "'");
    }
    checkVersion(key, value, version, "write");
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

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  synchronized int staleReadCount() {
    return staleReads.size();
  }

  synchronized Map<Type, Integer> countByType() {
    Map<Type, Integer> counts = new java.util.EnumMap<>(Type.class);
    for (Event e : events) counts.merge(e.type, 1, Integer::sum);
    return counts;
  }

  /** Writes the linearizable history as JSON lines, the format of core's {@code HistoryJson}. */
  synchronized void writeJson(Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Event e : events) {
        JsonObject j = new JsonObject().put("process", e.process)
            .put("type", e.type.name().toLowerCase(Locale.ROOT)).put("f", e.f.name().toLowerCase(Locale.ROOT))
            .put("key", e.key).put("value", e.value);
        if (e.f == F.CAS) j.put("expected", e.expected);
        j.put("time", e.time);
        if (e.node != null) j.put("node", e.node);
        if (e.error != null) j.put("error", e.error);
        out.write(j.encode());
        out.write('\n');
      }
    }
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
