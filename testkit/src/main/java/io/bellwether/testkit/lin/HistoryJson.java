package io.bellwether.testkit.lin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one file format of client histories, written by the simulation and the end-to-end suite alike
 * and read back by anyone who wants to check a run again: JSON lines, one event a line in history
 * order, shaped as Jepsen shapes its histories (docs/ARCHITECTURE.md, "Histories").
 *
 * <pre>
 * {"process":0,"type":"invoke","f":"cas","key":"k1","value":["v3","v7"],"time":40}
 * {"process":0,"type":"fail","f":"cas","key":"k1","value":["v3","v7"],"time":42,"node":"n2","error":"..."}
 * </pre>
 *
 * <p>{@code f} is read, write or cas: a delete is a write of {@code null}, a cas's value is {@code
 * [expected, new]} ({@code null} = absent). A completion repeats its invocation's value, as a
 * Jepsen client's completion is its invocation with another type, except a read's, which holds the
 * value read when it is ok and {@code null} otherwise: each line then reads alone, and the file
 * says the same whichever recorder wrote it (the simulation keeps a written value in its ok
 * events, the end-to-end clients do not). So what {@link #read} gives back is the history in that
 * form, each completion with its invocation's value.
 */
public final class HistoryJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HistoryJson() {}

  /** Writes every event; does not close {@code out}. */
  public static void write(History history, Writer out) throws IOException {
    Map<Integer, Op> pending = new HashMap<>();
    for (Op op : history.ops()) {
      Op invoke = op.type() == Op.Type.INVOKE ? op : pending.remove(op.process());
      if (op.type() == Op.Type.INVOKE) pending.put(op.process(), op);
      out.write(MAPPER.writeValueAsString(toJson(op, invoke)));
      out.write('\n');
    }
    out.flush();
  }

  public static void write(History history, Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(history, out);
    }
  }

  /** Reads events until the end of {@code in}; blank lines are skipped. Does not close {@code in}. */
  public static History read(Reader in) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    History history = new History();
    int lineNumber = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNumber++;
      if (!line.isBlank()) {
        history.add(fromJson(MAPPER.readTree(line), lineNumber));
      }
    }
    return history;
  }

  public static History read(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in);
    }
  }

  /** One line; {@code invoke} is the event's invocation (itself for an invocation), or null. */
  private static ObjectNode toJson(Op op, Op invoke) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("process", op.process());
    json.put("type", op.type().name().toLowerCase(Locale.ROOT));
    json.put("f", op.f() == Op.F.READ ? "read" : op.f() == Op.F.CAS ? "cas" : "write");
    json.put("key", op.key());
    // A completion says what its invocation asked for; one without a matching invocation, itself.
    Op asked = invoke != null && invoke.f() == op.f() && invoke.key().equals(op.key()) ? invoke : op;
    switch (op.f()) {
      case READ -> json.put("value", op.type() == Op.Type.OK ? op.value() : null);
      case WRITE -> json.put("value", asked.value());
      case DELETE -> json.putNull("value");
      case CAS -> json.putArray("value").add(asked.expected()).add(asked.value());
    }
    json.put("time", op.time());
    if (op.node() != null) {
      json.put("node", op.node());
    }
    if (op.error() != null) {
      json.put("error", op.error());
    }
    return json;
  }

  private static Op fromJson(JsonNode json, int lineNumber) throws IOException {
    try {
      int process = required(json, "process", lineNumber).intValue();
      Op.Type type = Op.Type.valueOf(text(required(json, "type", lineNumber)).toUpperCase(Locale.ROOT));
      String f = text(required(json, "f", lineNumber));
      String key = text(required(json, "key", lineNumber));
      long time = required(json, "time", lineNumber).longValue();
      JsonNode value = json.get("value");
      String node = text(json.get("node"));
      String error = text(json.get("error"));
      return switch (f) {
        case "read" -> new Op(process, type, Op.F.READ, key, text(value), null, time, node, error);
        case "write" -> text(value) == null
            ? new Op(process, type, Op.F.DELETE, key, null, null, time, node, error)
            : new Op(process, type, Op.F.WRITE, key, text(value), null, time, node, error);
        case "cas" -> {
          if (value == null || !value.isArray() || value.size() != 2) {
            throw new IllegalArgumentException("a cas's value is [expected, new]");
          }
          yield new Op(process, type, Op.F.CAS, key, text(value.get(1)), text(value.get(0)), time,
              node, error);
        }
        default -> throw new IllegalArgumentException("f is read, write or cas, not " + f);
      };
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("line " + lineNumber + ": not a history event (" + e.getMessage()
          + "): " + json, e);
    }
  }

  private static JsonNode required(JsonNode json, String field, int lineNumber) throws IOException {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new IOException("line " + lineNumber + ": missing field '" + field + "': " + json);
    }
    return value;
  }

  /** A string field's text; null when it is absent or JSON null; anything else is not ours. */
  private static String text(JsonNode value) {
    if (value == null || value.isNull()) return null;
    if (!value.isTextual()) throw new IllegalArgumentException("not a string: " + value);
    return value.textValue();
  }
}
