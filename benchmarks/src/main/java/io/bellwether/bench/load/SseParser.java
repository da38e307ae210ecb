package io.bellwether.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser: bytes go in as they arrive (split anywhere, even inside a
 * UTF-8 character or between {@code \r} and {@code \n}), whole events come out. Lines end with
 * {@code \n}, {@code \r\n} or {@code \r}; a blank line ends an event; {@code :} lines are comments;
 * {@code id}, {@code event} and {@code data} fields are kept (several {@code data} lines joined by
 * {@code \n}), others ignored. An event with only an {@code id} (Bellwether's heartbeat) is delivered
 * too, with {@code data} null. Not thread-safe: one parser per stream, fed from one thread.
 */
final class SseParser {

  /** Told about each complete event, on the feeding thread. */
  interface Listener {
    /**
     * @param event the {@code event:} field, or null (a plain message)
     * @param id    the {@code id:} field, or null
     * @param data  the {@code data:} lines joined by {@code \n}, or null when there were none
     */
    void event(String event, String id, String data);
  }

  private final Listener listener;
  private byte[] line = new byte[512];
  private int length;
  private boolean lastWasCr;
  private String event;
  private String id;
  private StringBuilder data;
  private boolean any;

  SseParser(Listener listener) {
    this.listener = listener;
  }

  void feed(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '\n' && lastWasCr) {
        lastWasCr = false; // the \n of a \r\n: the line already ended at the \r
        continue;
      }
      lastWasCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine();
      } else {
        if (length == line.length) line = Arrays.copyOf(line, line.length * 2);
        line[length++] = b;
      }
    }
  }

  void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  private void endLine() {
    int n = length;
    length = 0;
    if (n == 0) {
      if (any) listener.event(event, id, data == null ? null : data.toString());
      event = null;
      id = null;
      data = null;
      any = false;
      return;
    }
    if (line[0] == ':') return; // a comment
    int colon = 0;
    while (colon < n && line[colon] != ':') colon++;
    String field = new String(line, 0, colon, StandardCharsets.UTF_8);
    int v = Math.min(n, colon + 1);
    if (v < n && line[v] == ' ') v++; // one space after the colon is not part of the value
    String value = new String(line, v, n - v, StandardCharsets.UTF_8);
    switch (field) {
      case "id" -> {
        id = value;
        any = true;
      }
      case "event" -> {
        event = value;
        any = true;
      }
      case "data" -> {
        if (data == null) data = new StringBuilder(value);
        else data.append('\n').append(value);
        any = true;
      }
      default -> { }
    }
  }

  /**
   * The log index a Bellwether watch position names: {@code "105"} and {@code "105.2"} are both in
   * entry 105. -1 when it is not such a position.
   */
  static long positionIndex(String id) {
    if (id == null || id.isEmpty()) return -1;
    int dot = id.indexOf('.');
    String whole = dot < 0 ? id : id.substring(0, dot);
    try {
      return Long.parseLong(whole);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The number after {@code "field":} in a flat JSON object, by a scan (no parse); -1 when absent. */
  static long longField(String json, String field) {
    if (json == null) return -1;
    String key = "\"" + field + "\":";
    int at = json.indexOf(key);
    if (at < 0) return -1;
    int i = at + key.length();
    while (i < json.length() && json.charAt(i) == ' ') i++;
    long v = 0;
    int digits = 0;
    for (; i < json.length() && Character.isDigit(json.charAt(i)) && digits < 18; i++, digits++) {
      v = v * 10 + (json.charAt(i) - '0');
    }
    return digits == 0 ? -1 : v;
  }
}
