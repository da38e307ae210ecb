package io.bellwether.core.lin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Histories as JSON lines, one event per line, so a failing run can be saved, read back and checked
 * again: {@code {"process":3,"type":"ok","f":"read","key":"k1","value":"v7","time":1200,"node":"n2"}}.
 * {@code value} is always written ({@code null} for absent), {@code expected} only for cas, {@code
 * node} and {@code error} only when set.
 */
public final class HistoryJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HistoryJson() {}

  /** Writes every event; does not close {@code out}. */
  public static void write(History history, Writer out) throws IOException {
    for (Op op : history.ops()) {
      out.write(MAPPER.writeValueAsString(toJson(op)));
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

  private static ObjectNode toJson(Op op) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("process", op.process());
    json.put("type", op.type().name().toLowerCase(Locale.ROOT));
    json.put("f", op.f().name().toLowerCase(Locale.ROOT));
    json.put("key", op.key());
    json.put("value", op.value());
    if (op.f() == Op.F.CAS) {
      json.put("expected", op.expected());
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
      return new Op(
          required(json, "process", lineNumber).intValue(),
          Op.Type.valueOf(required(json, "type", lineNumber).textValue().toUpperCase(Locale.ROOT)),
          Op.F.valueOf(required(json, "f", lineNumber).textValue().toUpperCase(Locale.ROOT)),
          required(json, "key", lineNumber).textValue(),
          text(json, "value"),
          text(json, "expected"),
          required(json, "time", lineNumber).longValue(),
          text(json, "node"),
          text(json, "error"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("line " + lineNumber + ": not a history event: " + json, e);
    }
  }

  private static JsonNode required(JsonNode json, String field, int lineNumber) throws IOException {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new IOException("line " + lineNumber + ": missing field '" + field + "': " + json);
    }
    return value;
  }

  /** The text of a field, or null when it is absent or JSON null. */
  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.textValue();
  }
}
