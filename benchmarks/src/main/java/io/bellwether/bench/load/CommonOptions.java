package io.bellwether.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by {@code load} and {@code failover}. */
final class CommonOptions {

  @Option(names = "--target", defaultValue = "bellwether", description = "bellwether or etcd (default: ${DEFAULT-VALUE})")
  Target target;

  @Option(names = "--endpoints", required = true, split = ",", paramLabel = "URL",
      description = "base URLs, comma-separated, e.g. http://127.0.0.1:8080,http://127.0.0.1:8081")
  List<String> endpoints;

  @Option(names = "--ca", paramLabel = "FILE",
      description = "https:// endpoints: trust only the CA certificate in this PEM file (default: the JVM's trust store)")
  Path ca;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Bellwether: send 'Authorization: Bearer TOKEN' on every request, TOKEN being the file's first line")
  Path tokenFile;

  @Option(names = "--keys", defaultValue = "1000", description = "number of distinct keys (default: ${DEFAULT-VALUE})")
  int keys;

  @Option(names = "--value-size", defaultValue = "100", description = "bytes per value (default: ${DEFAULT-VALUE})")
  int valueSize;

  @Option(names = "--key-prefix", defaultValue = "bench/", description = "key prefix (default: ${DEFAULT-VALUE})")
  String keyPrefix;

  @Option(names = "--seed", description = "random seed for keys, values and the read/write mix (default: from the clock; printed)")
  Long seed;

  @Option(names = "--timeout", defaultValue = "5s", description = "per-request timeout (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--error-backoff", defaultValue = "10ms",
      description = "pause of a worker after a failed request, so a refused connection is not retried in a busy loop"
          + " (default: ${DEFAULT-VALUE}; 0 for none)")
  Duration errorBackoff;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON to FILE")
  Path json;

  @Option(names = "--timeline", paramLabel = "FILE",
      description = "write successes and errors per 100 ms bucket (timeMs,successes,errors) as CSV to FILE")
  Path timeline;

  List<Endpoint> parsedEndpoints() {
    return Endpoint.parseList(String.join(",", endpoints));
  }

  /** TLS and credentials for the endpoints; fails with a message naming the option when they do not fit. */
  ClientSecurity security(List<Endpoint> parsed) {
    return ClientSecurity.of(target, parsed, ca, tokenFile);
  }

  long seedOrClock() {
    if (seed == null) seed = System.nanoTime() ^ System.currentTimeMillis();
    return seed;
  }
}
