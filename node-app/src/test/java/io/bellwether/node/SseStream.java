package io.bellwether.node;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test's Server-Sent Events reader over a plain socket (HTTP/1.1, chunked), so a test controls
 * exactly when it stops reading and what it sends: it parses {@code id:}, {@code event:}, {@code
 * data:} and comment lines into {@link Event}s on a thread of its own, keeping the last id as a
 * browser's EventSource does (heartbeats included).
 */
final class SseStream implements AutoCloseable {

  /** One dispatched block: {@code data} null for a heartbeat (an id without data). */
  record Event(String id, String event, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final int status;
  final String headers;
  private final Socket socket;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile String lastId;
  private volatile boolean ended;
  private final Thread reader;
  private final BufferedReader in;

  private SseStream(Socket socket, BufferedReader in, int status, String headers) {
    this.socket = socket;
    this.in = in;
    this.status = status;
    this.headers = headers;
    this.reader = new Thread(this::read, "sse-reader");
    this.reader.setDaemon(true);
  }

  /** Opens {@code url} (a /v1/watch URL) with {@code Last-Event-ID} if not null. */
  static SseStream open(String url, String lastEventId) throws Exception {
    return open(url, lastEventId, 0);
  }

  /** As {@link #open(String, String)}, with a small receive buffer when {@code receiveBuffer > 0}. */
  static SseStream open(String url, String lastEventId, int receiveBuffer) throws Exception {
    URI uri = URI.create(url);
    Socket socket = new Socket();
    if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
    socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
    socket.setSoTimeout(30_000);
    OutputStream out = socket.getOutputStream();
    String request = "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
        + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nAccept: text/event-stream\r\n"
        + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(new ChunkedInput(socket.getInputStream()),
        StandardCharsets.UTF_8));
    String statusLine = in.readLine();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    StringBuilder headers = new StringBuilder();
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      headers.append(line).append('\n');
    }
    SseStream s = new SseStream(socket, in, status, headers.toString());
    s.reader.start();
    return s;
  }

  private void read() {
    String id = null;
    String event = null;
    StringBuilder data = null;
    boolean sawId = false;
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (sawId) lastId = id;
          if (data != null || sawId) events.add(new Event(sawId ? id : null, event, data == null ? null : data.toString()));
          id = null;
          event = null;
          data = null;
          sawId = false;
        } else if (line.startsWith(":")) {
          continue;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
          sawId = true;
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).strip());
        }
      }
    } catch (Exception e) {
      // the stream ended or was closed
    } finally {
      ended = true;
    }
  }

  /** The next event with data (heartbeats skipped), waiting at most {@code timeout}; null if none. */
  Event next(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return null;
      Event e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) return null;
      if (e.data() != null) return e;
    }
  }

  /** The next {@code n} events with data, failing if they do not come within {@code timeout}. */
  List<Event> take(int n, Duration timeout) throws InterruptedException {
    List<Event> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (got.size() < n) {
      Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (e == null) throw new AssertionError("only " + got.size() + " of " + n + " events came: " + got);
      got.add(e);
    }
    return got;
  }

  /** The last id seen, heartbeats included: what a reconnect sends as {@code Last-Event-ID}. */
  String lastId() {
    return lastId;
  }

  boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  /** Undoes HTTP/1.1 chunked transfer coding. */
  private static final class ChunkedInput extends java.io.InputStream {
    private final java.io.InputStream raw;
    private boolean inBody;
    private boolean chunked = true;
    private long left;
    private final StringBuilder headerLine = new StringBuilder();
    private boolean lastWasNewline;

    ChunkedInput(java.io.InputStream raw) {
      this.raw = raw;
    }

    @Override
    public int read() throws java.io.IOException {
      if (!inBody) {
        // Headers pass through unchanged; the blank line ends them.
        int b = raw.read();
        if (b == '\n') {
          String h = headerLine.toString().strip().toLowerCase(java.util.Locale.ROOT);
          if (h.startsWith("content-length")) chunked = false;
          if (lastWasNewline) inBody = true;
          lastWasNewline = true;
          headerLine.setLength(0);
        } else if (b != '\r') {
          lastWasNewline = false;
          headerLine.append((char) b);
        }
        return b;
      }
      if (!chunked) return raw.read();
      if (left == 0) {
        String size = line();
        if (size.isEmpty()) size = line();
        if (size == null) return -1;
        left = Long.parseLong(size.split(";")[0].strip(), 16);
        if (left == 0) return -1;
      }
      int b = raw.read();
      if (b >= 0) left--;
      if (left == 0) line();
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      // One byte at a time: the default would block until len bytes came, and events are small.
      if (len == 0) return 0;
      int c = read();
      if (c < 0) return -1;
      b[off] = (byte) c;
      return 1;
    }

    private String line() throws java.io.IOException {
      StringBuilder sb = new StringBuilder();
      for (int b = raw.read(); b >= 0; b = raw.read()) {
        if (b == '\n') return sb.toString().strip();
        sb.append((char) b);
      }
      return sb.length() == 0 ? null : sb.toString();
    }
  }
}
