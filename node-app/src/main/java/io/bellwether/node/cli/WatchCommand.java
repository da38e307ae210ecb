package io.bellwether.node.cli;

import static io.bellwether.node.cli.ClientCommands.EXIT_FAILED;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.BellwetherClientException;
import io.bellwether.client.RetryPolicy;
import io.bellwether.client.Watch;
import io.bellwether.client.WatchEvent;
import io.bellwether.client.WatchListener;
import io.bellwether.client.WatchRequest;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bellwether watch PREFIX}: prints each change under a prefix (or of one key) as it is applied,
 * one line per change, until interrupted, {@code --count} changes, or the watch cannot go on. The
 * client's watch resumes by itself (no gap, no duplicate) when the node drops the stream.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Prints changes of keys with a prefix (or of one key, --exact) as they happen.")
public final class WatchCommand extends KvCommands.KvBase {

  @Parameters(index = "0", paramLabel = "PREFIX", arity = "0..1", defaultValue = "",
      description = "the prefix (default: every key); with --exact, the key") String prefix;
  @Option(names = "--exact", description = "watch the one key PREFIX, not a prefix (--key is the TLS client key)") boolean key;
  @Option(names = "--from-index", paramLabel = "N", description = "start with the changes of log index N (default: from now)") Long fromIndex;
  @Option(names = "--json", description = "print each change as JSON (value in base64, with its event id)") boolean json;
  @Option(names = "--count", paramLabel = "N", description = "exit after N changes") Integer count;

  @Override
  boolean keepsRunning() {
    return true;
  }

  @Override
  RetryPolicy retry() {
    return RetryPolicy.defaults(); // the watch's reconnects use its backoff
  }

  @Override
  void prepare() {
    if (key && prefix.isEmpty()) throw new IllegalArgumentException("--exact needs a KEY");
    if (fromIndex != null && fromIndex < 1) throw new IllegalArgumentException("--from-index must be >= 1");
  }

  @Override
  int run(BellwetherClient client) {
    WatchRequest request = key ? WatchRequest.key(prefix) : WatchRequest.prefix(prefix);
    if (fromIndex != null) request = request.fromIndex(fromIndex);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    AtomicLong exit = new AtomicLong(0);
    try (Watch w = client.watch(request, new WatchListener() {
      @Override
      public void onEvent(WatchEvent e) {
        // The watch may deliver more before it is closed: --count N prints exactly N.
        if (count != null && seen.get() >= count) return;
        out().println(json ? json(e) : line(e));
        out().flush();
        if (count != null && seen.incrementAndGet() >= count) done.countDown();
      }

      @Override
      public void onCompacted(long oldestIndex) {
        err().println("error COMPACTED: changes this watch had not printed are gone from the node's history"
            + (oldestIndex > 0 ? " (it keeps them from index " + oldestIndex + ")" : "")
            + "; read the keys again (scan), then watch --from-index the index they were read at + 1");
        exit.set(EXIT_FAILED);
        done.countDown();
      }

      @Override
      public void onError(Throwable error) {
        err().println(error instanceof BellwetherClientException b ? KvCommands.KvBase.describe(b) : "error: " + error);
        exit.set(EXIT_FAILED);
        done.countDown();
      }
    })) {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return (int) exit.get();
  }

  /** {@code put app/a one (index 105)}, {@code delete app/b (index 107, lease_expired)}. */
  static String line(WatchEvent e) {
    if (e.type() == WatchEvent.Type.PUT) {
      return "put " + e.key() + " " + e.valueAsString() + " (index " + e.index() + (e.lease() == 0 ? "" : ", lease " + e.lease()) + ")";
    }
    return "delete " + e.key() + " (index " + e.index() + ("delete".equals(e.cause()) ? "" : ", " + e.cause()) + ")";
  }

  static String json(WatchEvent e) {
    JsonObject o = new JsonObject().put("id", e.id()).put("type", e.type() == WatchEvent.Type.PUT ? "put" : "delete")
        .put("key", e.key());
    if (e.value() != null) o.put("value", Base64.getEncoder().encodeToString(e.value()));
    o.put("version", e.version()).put("index", e.index()).put("lease", e.lease());
    if (e.cause() != null) o.put("cause", e.cause());
    return o.encode();
  }
}
