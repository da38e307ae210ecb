package io.bellwether.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Blocking HTTP/1.1 exchanges, each on a connection of its own, over the JDK's {@link
 * HttpURLConnection}: for a process that makes a call or two and exits, such as a command-line tool.
 * The {@code java.net.http} client costs such a process about half a second: building one loads and
 * initialises the whole TLS stack even for {@code http} URLs, and its selector thread, waiting in
 * native code, holds the JVM's exit for 300 ms. This class starts no thread and touches TLS only for
 * {@code https} URLs.
 *
 * <p>Failures follow {@code HttpClient.send}, so callers classify them one way: {@link
 * java.net.ConnectException} or {@link HttpConnectTimeoutException} when no connection was opened (the
 * TLS handshake included: nothing was sent), {@link javax.net.ssl.SSLHandshakeException} when the
 * handshake failed, {@link HttpTimeoutException} when the request was sent and no answer came within
 * the timeout (here: no byte of it for that long), another {@link IOException} when the connection
 * broke. Never sends a request twice, never follows redirects, uses no proxy. Thread-safe; blocking;
 * not interruptible.
 *
 * <p>Every request with a body (any method but GET and HEAD) is streamed, because streaming is what
 * keeps HttpURLConnection from resending it; for a streamed request it drops the body of a 401,
 * which is then fetched by a GET (see {@link #reasonForRefusal}).
 *
 * <p>Meant for a process that exits after a call or two: HttpURLConnection keeps a connection whose
 * answer was read to its end for the next call to the same host and port, in the whole JVM, and a
 * write sent on one that the node has closed since (it restarted) fails after sending, as "may have
 * been carried out", where a fresh connection would have succeeded. (A {@code Connection: close}
 * request header avoids the reuse but made the JDK's own HTTP server, in this module's tests, drop
 * answers; not pursued.) A long-lived process should use the default client.
 */
public final class ShortLivedHttp implements Exchange {

  private final Duration connectTimeout;
  private final SSLContext ssl;

  /**
   * @param connectTimeout how long to wait for a connection (and its TLS handshake)
   * @param ssl the TLS context for {@code https} URLs; null: the JVM's default, built on first use
   */
  public ShortLivedHttp(Duration connectTimeout, SSLContext ssl) {
    this.connectTimeout = connectTimeout;
    this.ssl = ssl;
  }

  /**
   * Sends a request and waits for the whole answer, whatever its status.
   *
   * @param headers request headers (not {@code Host}, {@code Connection} or {@code Content-Length})
   * @param body the request body, or null for none
   * @param timeout how long to wait for the answer once the request is sent
   * @throws IOException as the class comment says
   */
  @Override
  public HttpResponse<byte[]> send(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
    try {
      if (c instanceof HttpsURLConnection https) https.setSSLSocketFactory(new Protocols(context().getSocketFactory()));
      c.setRequestMethod(method);
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      c.setConnectTimeout(millis(connectTimeout));
      c.setReadTimeout(millis(timeout));
      headers.forEach(c::setRequestProperty);
      boolean sendsBody = !"GET".equals(method) && !"HEAD".equals(method);
      if (sendsBody) {
        // Streamed with a fixed length, even when empty: HttpURLConnection silently sends a buffered
        // request a second time when the connection breaks before the answer, which for a write
        // would turn "may have been carried out" into a second, unseen attempt. A streamed one it
        // never resends.
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body == null ? 0 : body.length);
      }
      try {
        c.connect();
      } catch (SocketTimeoutException e) {
        throw new HttpConnectTimeoutException("no connection to " + uri.getHost() + ":" + uri.getPort() + " within "
            + connectTimeout.toMillis() + " ms");
      }
      try {
        if (sendsBody) {
          try (OutputStream out = c.getOutputStream()) {
            if (body != null) out.write(body);
          }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] answer = in == null ? new byte[0] : readAll(in);
        if (status == 401 && sendsBody && answer.length == 0) answer = reasonForRefusal(uri, headers, timeout);
        return new Answer(status, headers(c), answer, uri, method);
      } catch (SocketTimeoutException e) {
        HttpTimeoutException t = new HttpTimeoutException("no answer from " + uri.getHost() + ":" + uri.getPort()
            + " within " + timeout.toMillis() + " ms");
        t.initCause(e);
        throw t;
      }
    } finally {
      c.disconnect(); // closes the socket: nothing is kept for reuse, no keep-alive thread starts
    }
  }

  /**
   * HttpURLConnection drops the body of a 401 answering a streamed request, and with it the node's
   * reason (no token, or one it does not know). The reason does not depend on the method, so a GET
   * of the same URI with the same credentials, which changes nothing, fetches it; its body is used
   * only if it is a 401 too. Best effort: on any failure the 401 stays without a body.
   */
  private byte[] reasonForRefusal(URI uri, Map<String, String> headers, Duration timeout) {
    try {
      HttpResponse<byte[]> again = send("GET", uri, headers, null, timeout);
      return again.statusCode() == 401 ? again.body() : new byte[0];
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private SSLContext context() throws IOException {
    if (ssl != null) return ssl;
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("no default TLS context: " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static HttpHeaders headers(HttpURLConnection c) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    c.getHeaderFields().forEach((name, values) -> {
      if (name != null) fields.put(name, values); // the null name is the status line
    });
    return HttpHeaders.of(fields, (name, value) -> true);
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }

  /** Sockets that speak only {@link ClientTls#PROTOCOLS}, as the {@code java.net.http} client's do. */
  private static final class Protocols extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    Protocols(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    private static Socket limit(Socket s) {
      if (s instanceof SSLSocket tls) tls.setEnabledProtocols(ClientTls.PROTOCOLS.clone());
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return limit(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return limit(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return limit(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return limit(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return limit(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return limit(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  /** A whole answer, as {@code HttpClient.send} with {@code ofByteArray} gives it. */
  private record Answer(int statusCode, HttpHeaders headers, byte[] body, URI uri, String method)
      implements HttpResponse<byte[]> {

    @Override
    public HttpRequest request() {
      return HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
