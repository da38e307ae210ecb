package io.bellwether.bench;

import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.LogEntry;
import io.bellwether.core.codec.MessageCodec;
import io.bellwether.transport.vertx.VertxTransport;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One round trip at a time (ping-pong) on 127.0.0.1, for an AppendEntries of {@code entries}
 * entries of 100 B:
 * <ul>
 *   <li>{@code vertxTransport}: AppendEntries n1 → n2, AppendEntriesResponse n2 → n1, between two
 *       {@link VertxTransport}s (set up by {@link TransportPair}, as in {@link TransportBenchmark});
 *   <li>{@code socketEcho}: the floor. A blocking {@link Socket} pair, TCP_NODELAY, a 4-byte length
 *       prefix; the client writes a frame of {@code MessageCodec.DEFAULT.encode(appendEntries).length}
 *       bytes and one server thread echoes it back whole. No codec, no event loop, no queues.
 * </ul>
 * Throughput mode gives round trips/s; run with {@code -bm sample -tu us} for latency percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendEntriesTransportBenchmark {

  @Param({"1", "64"})
  public int entries;

  private TransportPair pair;
  private byte[] frame;
  private ServerSocket echoServer;
  private Socket echoClient;
  private Thread echoThread;
  private DataOutputStream out;
  private DataInputStream in;

  @Setup
  public void setUp() throws IOException, InterruptedException {
    List<LogEntry> batch = Payloads.entries(1, entries, Payloads.bytes(Payloads.VALUE_BYTES));
    // The sequence number is the request's prevLogIndex; n2 answers as a follower that appended it.
    pair = new TransportPair(
        seq -> new AppendEntries("n1", "n2", 1, seq, 1, batch, 0),
        m -> m instanceof AppendEntries a
            ? new AppendEntriesResponse("n2", "n1", a.term(), true, a.lastIndex(), 0, 0) : null,
        m -> m instanceof AppendEntriesResponse r ? r.matchIndex() - entries : -1);

    frame = Payloads.bytes(MessageCodec.DEFAULT.encode(new AppendEntries("n1", "n2", 1, 1, 1, batch, 0)).length);
    echoServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    echoThread = new Thread(this::echo, "socket-echo");
    echoThread.setDaemon(true);
    echoThread.start();
    echoClient = new Socket(InetAddress.getLoopbackAddress(), echoServer.getLocalPort());
    echoClient.setTcpNoDelay(true);
    out = new DataOutputStream(new BufferedOutputStream(echoClient.getOutputStream(), frame.length + 4));
    in = new DataInputStream(new BufferedInputStream(echoClient.getInputStream(), frame.length + 4));
  }

  /** The echo server: one connection, each length-prefixed frame written back as it came. */
  private void echo() {
    try (Socket s = echoServer.accept()) {
      s.setTcpNoDelay(true);
      DataInputStream sin = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      DataOutputStream sout = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
      byte[] buf = new byte[0];
      while (true) {
        int length = sin.readInt();
        if (buf.length < length) buf = new byte[length];
        sin.readFully(buf, 0, length);
        sout.writeInt(length);
        sout.write(buf, 0, length);
        sout.flush();
      }
    } catch (EOFException | SocketException closed) {
      // the client closed: done
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @TearDown
  public void tearDown() throws IOException, InterruptedException {
    if (pair != null) pair.close();
    if (echoClient != null) echoClient.close();
    if (echoServer != null) echoServer.close();
    if (echoThread != null) echoThread.join(TimeUnit.SECONDS.toMillis(5));
  }

  @Benchmark
  public long vertxTransport() throws InterruptedException {
    return pair.requireRoundTrip(1);
  }

  @Benchmark
  public int socketEcho() throws IOException {
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
    int length = in.readInt();
    if (length != frame.length) throw new IllegalStateException("echoed " + length + " B, sent " + frame.length);
    in.readFully(frame, 0, length);
    return length;
  }
}
