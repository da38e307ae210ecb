package io.bellwether.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events from a stream: {@code id:}, {@code event:} and {@code data:} fields, comment
 * lines ignored, a blank line dispatching what was gathered (as the SSE specification says; a block
 * with an id and no data is a heartbeat). Not thread-safe; blocking.
 */
final class SseReader {

  /** One dispatched block: {@code data} null for a heartbeat (an id alone). */
  record Block(String id, String event, String data) {}

  private final BufferedReader in;

  SseReader(InputStream stream) {
    this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
  }

  /**
   * The next block with an id or data, waiting for it; null at the end of the stream.
   *
   * @throws IOException the connection failed or was closed under the reader
   */
  Block next() throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) {
        if (id != null || data != null) return new Block(id, event, data == null ? null : data.toString());
        event = null;
        continue;
      }
      if (line.startsWith(":")) continue;
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      switch (field) {
        case "id" -> id = value;
        case "event" -> event = value;
        case "data" -> data = (data == null ? new StringBuilder() : data.append('\n')).append(value);
        default -> { } // "retry" and unknown fields: nothing this client uses
      }
    }
    return null;
  }
}
