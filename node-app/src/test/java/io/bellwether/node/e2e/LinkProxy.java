package io.bellwether.node.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for one directed link (node i talking to node j): i connects to this proxy as if it
 * were j, and the proxy forwards to j's real port. A test cuts, delays or heals the link at any time.
 *
 * <p>Bellwether peers only write on their own outbound connection, so the proxy of link i to j
 * carries exactly the messages from i to j. Modes:
 * <ul>
 *   <li>{@code PASS}: bytes flow both ways as they come.</li>
 *   <li>{@code DROP}: a black hole. Open connections are closed; new ones are accepted and read, but
 *       nothing reaches j and j's side is never opened, as when a network silently loses packets.</li>
 *   <li>{@code DELAY}: bytes from i reach j {@code delayMs} later, in order.</li>
 * </ul>
 * Leaving {@code DROP} closes the black-holed connections, so the sender notices and reconnects.
 * Each connection uses three daemon threads (read, delayed write, back channel): links are few.
 */
final class LinkProxy implements AutoCloseable {

  enum Mode { PASS, DROP, DELAY }

  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 1000;

  private final String name;
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.PASS;
  private volatile long delayMs;
  private volatile boolean closed;

  LinkProxy(String name, int targetPort) throws IOException {
    this.name = name;
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("proxy-" + name + "-accept", this::acceptLoop).start();
  }

  int port() {
    return server.getLocalPort();
  }

  String name() {
    return name;
  }

  Mode mode() {
    return mode;
  }

  void pass() {
    setMode(Mode.PASS, 0);
  }

  void drop() {
    setMode(Mode.DROP, 0);
  }

  void delay(long ms) {
    setMode(Mode.DELAY, ms);
  }

  private synchronized void setMode(Mode next, long nextDelayMs) {
    Mode before = mode;
    delayMs = nextDelayMs;
    mode = next;
    // Entering the black hole cuts live connections; leaving it cuts black-holed ones so the
    // sender, which cannot tell, opens a fresh connection that will pass.
    if ((next == Mode.DROP) != (before == Mode.DROP)) {
      closeOpenConnections();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket from = server.accept();
        from.setTcpNoDelay(true);
        open.add(from);
        if (mode == Mode.DROP) {
          daemon("proxy-" + name + "-hole", () -> blackHole(from)).start();
        } else {
          daemon("proxy-" + name + "-conn", () -> connect(from)).start();
        }
      } catch (IOException e) {
        if (!closed) {
          System.err.println("proxy " + name + ": accept failed: " + e);
        }
      }
    }
  }

  private void blackHole(Socket from) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try (from; InputStream in = from.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // discarded
      }
    } catch (IOException ignored) {
      // closed by a mode change or by the peer
    } finally {
      open.remove(from);
    }
  }

  private void connect(Socket from) {
    Socket to = new Socket();
    try {
      to.setTcpNoDelay(true);
      to.connect(target, CONNECT_TIMEOUT_MS);
    } catch (IOException refused) {
      // j is down: i sees its connection close, as it would without a proxy.
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      return;
    }
    open.add(to);
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    daemon("proxy-" + name + "-write", () -> writeDue(queue, from, to)).start();
    daemon("proxy-" + name + "-back", () -> copy(to, from)).start();
    readInto(queue, from, to);
  }

  /** Chunk of bytes from i with the time it may be written to j. */
  private record Chunk(byte[] bytes, long dueNanos) {
    static final Chunk END = new Chunk(new byte[0], 0);
  }

  private void readInto(BlockingQueue<Chunk> queue, Socket from, Socket to) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try (InputStream in = from.getInputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (mode == Mode.DROP) {
          continue;
        }
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(mode == Mode.DELAY ? delayMs : 0);
        queue.add(new Chunk(Arrays.copyOf(buffer, n), due));
      }
    } catch (IOException ignored) {
      // closed
    } finally {
      queue.add(Chunk.END);
    }
  }

  private void writeDue(BlockingQueue<Chunk> queue, Socket from, Socket to) {
    try (OutputStream out = to.getOutputStream()) {
      for (Chunk c = queue.take(); c != Chunk.END; c = queue.take()) {
        long waitNanos = c.dueNanos - System.nanoTime();
        if (waitNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(waitNanos); // the delay this link simulates, not a wait on a condition
        }
        if (mode != Mode.DROP) {
          out.write(c.bytes);
          out.flush();
        }
      }
    } catch (IOException | InterruptedException ignored) {
      // closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private void copy(Socket source, Socket sink) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try (InputStream in = source.getInputStream(); OutputStream out = sink.getOutputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (mode != Mode.DROP) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException ignored) {
      // closed
    } finally {
      closeQuietly(source);
      closeQuietly(sink);
    }
  }

  private void closeOpenConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    closeOpenConnections();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // best effort
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }
}
