package io.bellwether.node.cli;

import static io.bellwether.node.cli.ClientCommands.EXIT_FAILED;
import static io.bellwether.node.cli.ClientCommands.EXIT_MISMATCH;
import static io.bellwether.node.cli.ClientCommands.EXIT_NOT_FOUND;
import static io.bellwether.node.cli.ClientCommands.EXIT_OUTCOME_UNKNOWN;

import io.bellwether.client.AuthenticationException;
import io.bellwether.client.BellwetherClient;
import io.bellwether.client.BellwetherClientException;
import io.bellwether.client.ConditionFailedException;
import io.bellwether.client.Consistency;
import io.bellwether.client.DeleteOptions;
import io.bellwether.client.DeleteResult;
import io.bellwether.client.KeyValue;
import io.bellwether.client.NotAppliedException;
import io.bellwether.client.OutcomeUnknownException;
import io.bellwether.client.PutOptions;
import io.bellwether.client.RetryPolicy;
import io.bellwether.client.ScanPage;
import io.bellwether.client.WriteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The key-value commands {@code put}, {@code get}, {@code delete} and {@code scan}, on the Java client
 * ({@link BellwetherClient}) with one attempt per command: the exit codes of {@link ClientCommands}
 * follow from the client's exceptions, which already tell "certainly not applied" from "may have
 * happened".
 */
public final class KvCommands {

  private KvCommands() {}

  /** Builds the client, runs the command, maps the client's exceptions to messages and exit codes. */
  abstract static class KvBase extends TargetCommand {

    /** Work before anything is sent; an exception here means nothing was sent. */
    void prepare() throws IOException {}

    /** The client's retries: none (one attempt, its outcome is the exit code) unless a command keeps running. */
    RetryPolicy retry() {
      return RetryPolicy.none();
    }

    /**
     * Whether the command keeps running (watch, lock): it needs the client's long-lived connections.
     * Every other command makes a call or two and exits, so its client is short-lived ({@link
     * io.bellwether.client.BellwetherClientBuilder#shortLived()}), which halves a command's time.
     */
    boolean keepsRunning() {
      return false;
    }

    abstract int run(BellwetherClient client);

    @Override
    public Integer call() {
      BellwetherClient client;
      try {
        prepare();
        client = target.bellwetherClient(retry(), !keepsRunning());
      } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
        err().println("error: " + e.getMessage()); // nothing was sent
        return EXIT_FAILED;
      }
      try (client) {
        return run(client);
      } catch (OutcomeUnknownException e) {
        err().println(unknown(e) + "; resend with --idempotency-key " + e.idempotencyKey() + " to apply it at most once");
        return EXIT_OUTCOME_UNKNOWN;
      } catch (NotAppliedException e) {
        return notApplied(e);
      }
    }

    private String unknown(OutcomeUnknownException e) {
      Throwable cause = e.getCause();
      if (e.status() == 0 && cause instanceof HttpTimeoutException) {
        return "error: no answer from " + target.url + " within " + target.timeoutSeconds + "s; a write may or may not have happened";
      }
      if (e.status() == 0) return "error: no answer from " + target.url + " (" + cause + "); a write may or may not have happened";
      if (e.status() / 100 == 2) return "error: " + e.getMessage();
      return describe(e) + (e.status() == 504 ? "" : " (not an answer that says the write did not happen: it may or may not have)");
    }

    private int notApplied(NotAppliedException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SSLHandshakeException) {
        err().println("error: TLS handshake with " + target.url + " failed (" + cause.getMessage() + "): is the node's"
            + " certificate signed by a CA that --cacert trusts, for this host name? Does the node require a client"
            + " certificate (--cert, --key)?");
        return EXIT_FAILED;
      }
      if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
        err().println("error: cannot connect to " + target.url + " (" + cause.getMessage() + ")");
        return EXIT_FAILED;
      }
      if (e.status() == 0 && cause instanceof HttpTimeoutException) {
        err().println("error: no answer from " + target.url + " within " + target.timeoutSeconds + "s");
        return EXIT_OUTCOME_UNKNOWN; // as the CLI always answered a timeout, read or write
      }
      if (e.status() == 0) {
        err().println("error: no answer from " + target.url + " (" + cause + ")");
        return EXIT_OUTCOME_UNKNOWN;
      }
      err().println(describe(e));
      if (e instanceof AuthenticationException && e.status() == 401) err().println("give a bearer token with --token or $BELLWETHER_TOKEN");
      if (e instanceof AuthenticationException && e.status() == 403) {
        err().println("the token's role does not allow this; ask for a token with the role it needs");
      }
      return e instanceof ConditionFailedException ? EXIT_MISMATCH : e.status() == 404 ? EXIT_NOT_FOUND : EXIT_FAILED;
    }

    static String describe(BellwetherClientException e) {
      return "error " + (e.code() == null ? "HTTP_" + e.status() : e.code()) + " (HTTP " + e.status() + "): "
          + (e.serverMessage() == null ? "" : e.serverMessage());
    }
  }

  /** Write options shared by put and delete. */
  public static final class Conditions {
    @Option(names = "--if-version", paramLabel = "N", description = "only if the key is at version N (If-Match)")
    Long ifVersion;

    @Option(names = "--if-absent", description = "put only if the key does not exist (If-None-Match: *)")
    boolean ifAbsent;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
        description = "retries with the same key apply once (default: a new random key)")
    String idempotencyKey;
  }

  @Command(name = "put", mixinStandardHelpOptions = true, description = "Sets a key (the value from the argument, --file, or stdin).")
  public static final class Put extends KvBase {
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1") String value;
    @Option(names = "--file", paramLabel = "FILE", description = "read the value from FILE") Path file;
    @Mixin Conditions conditions;
    private byte[] bytes;

    @Override
    void prepare() throws IOException {
      try {
        bytes = value != null ? value.getBytes(StandardCharsets.UTF_8)
            : file != null ? Files.readAllBytes(file) : System.in.readAllBytes();
      } catch (IOException e) {
        throw new IOException(e.toString(), e);
      }
    }

    @Override
    int run(BellwetherClient client) {
      PutOptions o = PutOptions.none().withIdempotencyKey(conditions.idempotencyKey);
      if (conditions.ifVersion != null) o = o.withIfVersion(conditions.ifVersion);
      if (conditions.ifAbsent) o = o.withIfAbsent();
      WriteResult r = client.put(key, bytes, o);
      out().println("OK " + r.key() + " version=" + r.version() + " index=" + r.index());
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints a key's value.")
  public static final class Get extends KvBase {
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Option(names = "--consistency", description = "linearizable (default), lease or stale") String consistency;
    @Option(names = "--min-index", paramLabel = "N", description = "stale reads: wait until the node applied N") Long minIndex;
    @Option(names = {"-v", "--verbose"}, description = "also print version, applied index and serving node") boolean verbose;
    private Consistency level;

    @Override
    void prepare() {
      level = consistency == null ? Consistency.LINEARIZABLE : Consistency.parse(consistency);
    }

    @Override
    int run(BellwetherClient client) {
      Optional<KeyValue> found = client.get(key, level, minIndex == null ? 0 : minIndex);
      if (found.isEmpty()) {
        err().println("error NOT_FOUND (HTTP 404): no key '" + key + "'");
        return EXIT_NOT_FOUND;
      }
      KeyValue kv = found.get();
      out().println(kv.valueAsString());
      if (verbose) {
        out().println("version=" + kv.version() + " appliedIndex=" + (kv.appliedIndex() == 0 ? "?" : kv.appliedIndex())
            + " node=" + (kv.node() == null ? "?" : kv.node()));
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a key.")
  public static final class Delete extends KvBase {
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Mixin Conditions conditions;

    @Override
    void prepare() {
      if (conditions.ifAbsent) throw new IllegalArgumentException("--if-absent does not apply to delete");
    }

    @Override
    int run(BellwetherClient client) {
      DeleteOptions o = DeleteOptions.none().withIdempotencyKey(conditions.idempotencyKey);
      if (conditions.ifVersion != null) o = o.withIfVersion(conditions.ifVersion);
      DeleteResult r = client.delete(key, o);
      out().println((r.deleted() ? "DELETED " : "ABSENT ") + r.key() + " index=" + r.index());
      return 0;
    }
  }

  @Command(name = "scan", mixinStandardHelpOptions = true, description = "Lists keys with a prefix.")
  public static final class Scan extends KvBase {
    @Parameters(index = "0", paramLabel = "PREFIX", arity = "0..1", defaultValue = "") String prefix;
    @Option(names = "--limit", defaultValue = "100", description = "at most this many keys (default ${DEFAULT-VALUE})") int limit;

    @Override
    int run(BellwetherClient client) {
      ScanPage page = client.scan(prefix, limit, Consistency.LINEARIZABLE);
      for (KeyValue kv : page.entries()) out().println(kv.key() + " (v" + kv.version() + ") = " + kv.valueAsString());
      if (page.more()) out().println("... more keys; raise --limit");
      return 0;
    }
  }
}
