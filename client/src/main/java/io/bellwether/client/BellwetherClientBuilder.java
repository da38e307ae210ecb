package io.bellwether.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/** Settings of a {@link BellwetherClient}. Not thread-safe; {@link #build()} may be called more than once. */
public final class BellwetherClientBuilder {

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final List<String> endpoints = new ArrayList<>();
  private Duration requestTimeout = Duration.ofSeconds(10);
  private Duration connectTimeout = Duration.ofSeconds(3);
  private RetryPolicy retry = RetryPolicy.defaults();
  private Duration watchIdleTimeout = Duration.ofSeconds(15);
  private String token;
  private SSLContext ssl;
  private boolean shortLived;

  BellwetherClientBuilder() {}

  /**
   * The nodes' base URLs, e.g. {@code http://10.0.0.1:8080} or {@code https://...}. Any node serves
   * any call; the client starts with the first and moves on when one fails. Adds to earlier calls.
   */
  public BellwetherClientBuilder endpoints(String... urls) {
    endpoints.addAll(Arrays.asList(urls));
    return this;
  }

  /** How long one attempt waits for its answer (default 10 s). */
  public BellwetherClientBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = positive(timeout, "requestTimeout");
    return this;
  }

  /** How long opening a connection may take before the attempt counts as "not sent" (default 3 s). */
  public BellwetherClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /**
   * How long a watch stream may stay silent before the watch gives it up and resumes on the next node
   * (default 15 s: three of the node's default 5 s heartbeats). Keep it above the nodes' {@code
   * watch.heartbeat.interval}.
   */
  public BellwetherClientBuilder watchIdleTimeout(Duration timeout) {
    this.watchIdleTimeout = positive(timeout, "watchIdleTimeout");
    return this;
  }

  /** How long one call keeps retrying (default {@link RetryPolicy#defaults()}). */
  public BellwetherClientBuilder retry(RetryPolicy policy) {
    this.retry = Objects.requireNonNull(policy, "retry");
    return this;
  }

  /** The bearer token for nodes with {@code auth.tokens.file}; null or blank for none. Never logged. */
  public BellwetherClientBuilder token(String token) {
    this.token = token == null || token.isBlank() ? null : token.strip();
    return this;
  }

  /**
   * Reads the bearer token now from the first line of {@code file} that is neither blank nor a
   * {@code #} comment (the format {@code bellwether token} writes).
   *
   * @throws UncheckedIOException naming the file when it cannot be read or holds no token
   */
  public BellwetherClientBuilder tokenFile(Path file) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) return token(t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + file + ": " + e, e);
    }
    throw new UncheckedIOException(new IOException("token file " + file + " holds no token (only blank lines or # comments)"));
  }

  /**
   * HTTPS from PEM files ({@link ClientTls#context}): trust {@code caPem} (null: the JVM's trusted CAs)
   * and present {@code certPem} with {@code keyPem} when both are given (nodes with {@code
   * http.tls.client.auth}).
   *
   * @throws UncheckedIOException naming the file that cannot be read or used
   */
  public BellwetherClientBuilder tls(Path caPem, Path certPem, Path keyPem) {
    try {
      this.ssl = ClientTls.context(caPem, certPem, keyPem);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    return this;
  }

  /** HTTPS with a context built elsewhere; null: the JVM's default. */
  public BellwetherClientBuilder sslContext(SSLContext context) {
    this.ssl = context;
    return this;
  }

  /**
   * For a process that makes a call or two and exits, such as a command-line tool: each call opens
   * its own connection ({@link ShortLivedHttp}), nothing runs in the background, and building the
   * client costs no TLS set-up for {@code http} endpoints; about half a second less than the default
   * from a cold JVM to the first answer. Such a client cannot watch ({@code watch} throws {@link
   * IllegalStateException}); everything else works the same, with the same answers and exceptions.
   */
  public BellwetherClientBuilder shortLived() {
    this.shortLived = true;
    return this;
  }

  /**
   * A client with these settings.
   *
   * @throws IllegalArgumentException naming the endpoint that is not an http(s) URL, or when none was given
   */
  public BellwetherClient build() {
    Endpoints e = new Endpoints(endpoints);
    int n = CLIENTS.incrementAndGet();
    // Own daemon threads, stopped by close(): the JDK client's default pool would outlive the client.
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bellwether-client-" + n);
      t.setDaemon(true);
      return t;
    });
    if (shortLived) {
      return new BellwetherClient(new Transport(new ShortLivedHttp(connectTimeout, ssl), null, e, requestTimeout, retry,
          token), executor, watchIdleTimeout);
    }
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(connectTimeout).executor(executor)
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) http.sslContext(ssl);
    if (ssl != null || e.anyHttps()) http.sslParameters(ClientTls.parameters());
    HttpClient client = http.build();
    return new BellwetherClient(new Transport(new JdkExchange(client), client, e, requestTimeout, retry, token), executor,
        watchIdleTimeout);
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be > 0, got " + d);
    return d;
  }
}
