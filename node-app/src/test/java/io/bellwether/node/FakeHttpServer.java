package io.bellwether.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A stand-in HTTP server on loopback whose answers a test scripts, down to the bytes: a status and
 * body no Bellwether node would send, a connection closed after the request was read, no answer at
 * all. It reads each request in full (head and {@code Content-Length} body), records its request line
 * in {@link #received}, then behaves as told; every connection serves one request.
 */
final class FakeHttpServer implements AutoCloseable {

  /** What the server does once it has read a request. */
  interface Behavior {
    void act(Socket socket, OutputStream out) throws IOException;
  }

  /** Answers {@code status} with this body, then closes the connection. */
  static Behavior respond(int status, String contentType, String body) {
    return (socket, out) -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 " + status + " Scripted\r\nContent-Type: " + contentType + "\r\nContent-Length: "
          + bytes.length + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
    };
  }

  /** Closes the connection without a word, as a server that crashed while handling the request. */
  static Behavior closeAfterReading() {
    return (socket, out) -> {};
  }

  /** Keeps the connection open and never answers (until the server is closed). */
  static Behavior neverAnswer() {
    return (socket, out) -> {
      try {
        while (socket.getInputStream().read() >= 0) {
          // the client gives up first; its close ends this read
        }
      } catch (IOException closed) {
        // closed by the client or by close()
      }
    };
  }

  /** The request line ("PUT /v1/kv/k HTTP/1.1") of every request read, in order. */
  final BlockingQueue<String> received = new LinkedBlockingQueue<>();

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Behavior behavior = respond(500, "text/plain", "no behavior set");
  private volatile boolean closed;

  FakeHttpServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "fake-http-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** host:port, as discovery and {@code --url} want it. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  String url() {
    return "http://" + address();
  }

  void behave(Behavior next) {
    behavior = next;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "fake-http-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = readHead(in);
      if (head == null) return;
      in.readNBytes(contentLength(head));
      received.add(head.substring(0, head.indexOf("\r\n")));
      behavior.act(s, s.getOutputStream());
    } catch (IOException e) {
      // the client went away: nothing to do
    } finally {
      open.remove(s);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b; (b = in.read()) >= 0; ) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == end.length) return head.toString(StandardCharsets.US_ASCII);
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) s.close();
  }
}
