package io.bellwether.node.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code GET /v1/watch} on a plain socket, read as a Server-Sent Events stream the way a browser's
 * EventSource reads it: {@code id:}, {@code data:} and {@code event:} fields, comment lines (starting
 * with a colon) ignored, an event dispatched at each blank line. A raw socket rather than {@code
 * java.net.http}: a read timeout (the stream fell silent for longer than a few heartbeats) and a
 * peer's reset both surface as an {@link IOException} from {@link #next}, which is what a watcher
 * needs to notice that its node is gone. Plain HTTP only (the watch scenarios do not run secure).
 *
 * <p>Not thread-safe: one reader thread; {@link #close} may be called from any thread.
 */
public final class SseConnection implements AutoCloseable {

  /**
   * One dispatched SSE event. {@code id} is null when the event had no {@code id:} line; {@code data}
   * is null for an event without data (a heartbeat: a comment and an id); {@code event} is the {@code
   * event:} field, null when absent (a plain message).
   */
  public record Event(String id, String event, String data) {}

  private final Socket socket;
  public final int status;
  /** The body of an answer other than 200 (an error as JSON); empty for a stream. */
  public final String body;
  private final BufferedReader lines;

  private SseConnection(Socket socket, int status, String body, BufferedReader lines) {
    this.socket = socket;
    this.status = status;
    this.body = body;
    this.lines = lines;
  }

  /**
   * Sends {@code GET pathAndQuery} to {@code 127.0.0.1:port}, with {@code Last-Event-ID} when not
   * null, and reads the status and headers (and the whole body when the status is not 200).
   *
   * @param readTimeout how long any read may wait for a byte before it fails
   * @throws java.net.ConnectException when nothing listens on the port (a killed node)
   * @throws IOException on any other failure to connect or read the answer's head
   */
  public static SseConnection open(int port, String pathAndQuery, String lastEventId, Duration readTimeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout((int) readTimeout.toMillis());
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\nAccept: text/event-stream\r\n");
      if (lastEventId != null) request.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String statusLine = asciiLine(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not HTTP: " + statusLine);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new HashMap<>();
      for (String h = asciiLine(in); !h.isEmpty(); h = asciiLine(in)) {
        int colon = h.indexOf(':');
        if (colon > 0) headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      InputStream body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Chunked(in)
          : new Limited(in, Long.parseLong(headers.getOrDefault("content-length", "0")));
      if (status != 200) {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        socket.close();
        return new SseConnection(socket, status, text, null);
      }
      return new SseConnection(socket, status, "",
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * The next event; blocks until one is complete.
   *
   * @throws EOFException when the node ended the stream
   * @throws IOException on a read timeout or a broken connection
   */
  public Event next() throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    boolean any = false;
    while (true) {
      String line = lines.readLine();
      if (line == null) throw new EOFException("the stream ended");
      if (line.isEmpty()) {
        if (any) return new Event(id, event, data == null ? null : data.toString());
        continue;
      }
      any = true;
      if (line.startsWith(":")) continue; // a comment: ": heartbeat"
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      switch (field) {
        case "id" -> id = value;
        case "event" -> event = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { } // retry: or an unknown field, ignored as EventSource does
      }
    }
  }

  /**
   * Opens a stream and reads it until an event's id reaches entry {@code end} (every change up to it
   * delivered); returns the events with data, in order.
   *
   * @throws AssertionError if the answer is not 200 or the stream sends an {@code event:} (an error)
   */
  static List<Event> readUntil(int port, String pathAndQuery, String lastEventId, long end) throws IOException {
    List<Event> out = new ArrayList<>();
    try (SseConnection c = open(port, pathAndQuery, lastEventId, Duration.ofSeconds(5))) {
      if (c.status != 200) throw new AssertionError("GET " + pathAndQuery + " answered " + c.status + " " + c.body);
      while (true) {
        Event e = c.next();
        if (e.event() != null) throw new AssertionError("GET " + pathAndQuery + " ended: " + e);
        if (e.data() != null) out.add(e);
        if (e.id() != null && compareIds(e.id(), Long.toString(end)) >= 0) return out;
      }
    }
  }

  /** Orders event ids as positions: "105.2" (part of entry 105) comes before "105" (all of it). */
  static int compareIds(String a, String b) {
    long[] x = parseId(a);
    long[] y = parseId(b);
    return x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]);
  }

  /** The last entry whose changes were all delivered when {@code id} is the last id seen. */
  static long completeIndex(String id) {
    long[] p = parseId(id);
    return p[1] == Long.MAX_VALUE ? p[0] : p[0] - 1;
  }

  private static long[] parseId(String id) {
    int dot = id.indexOf('.');
    return dot < 0 ? new long[] {Long.parseLong(id), Long.MAX_VALUE}
        : new long[] {Long.parseLong(id.substring(0, dot)), Long.parseLong(id.substring(dot + 1))};
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }

  private static String asciiLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) throw new EOFException("connection closed");
      if (b != '\r') line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** A chunked body ({@code Transfer-Encoding: chunked}), as the plain bytes it carries. */
  private static final class Chunked extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) return -1;
      if (left == 0) {
        String size = asciiLine(in);
        int semi = size.indexOf(';');
        left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (left == 0) {
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) throw new EOFException("connection closed inside a chunk");
      left -= n;
      if (left == 0) asciiLine(in); // the CRLF after the chunk
      return n;
    }
  }

  /** A body of {@code Content-Length} bytes. */
  private static final class Limited extends InputStream {
    private final InputStream in;
    private long left;

    Limited(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left == 0) return -1;
      int b = in.read();
      if (b >= 0) left--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) return -1;
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) left -= n;
      return n;
    }
  }
}
