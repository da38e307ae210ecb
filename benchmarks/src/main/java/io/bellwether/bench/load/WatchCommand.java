package io.bellwether.bench.load;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bellwether-bench watch}: watchers of the key prefix under a write load; what they received and when. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Opens --watchers SSE watch streams (GET /v1/watch?prefix=--key-prefix, round-robin over the"
        + " endpoints), runs the write load of 'load --workload write' on that prefix, and reports writes/s, events/s"
        + " delivered, per-watcher completeness (missing, duplicate, out-of-order events), the delay from each"
        + " write's acknowledgement to its event at each watcher, and the slowest watcher's catch-up time."
        + " Exit code 1 when a watcher missed an event, got one twice or was dropped.")
final class WatchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Option(names = "--watchers", defaultValue = "100", description = "watch streams to open (default: ${DEFAULT-VALUE})")
  int watchers;

  @Option(names = "--write-to", defaultValue = "leader", description = "leader, all or first (default: ${DEFAULT-VALUE})")
  Placement writeTo;

  @Option(names = "--connections", defaultValue = "16",
      description = "write connections = closed-loop writers, one request outstanding each (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--rate", defaultValue = "0",
      description = "total writes/s at fixed intervals; 0 = closed loop (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--duration", defaultValue = "30s", description = "measured time (default: ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", description = "load before the measured time (default: ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(names = "--catch-up-timeout", defaultValue = "30s",
      description = "after the load, how long to wait for every watcher to get the last write (default: ${DEFAULT-VALUE})")
  Duration catchUpTimeout;

  @Override
  public Integer call() throws Exception {
    if (common.target != Target.BELLWETHER) throw new IllegalArgumentException("watch is for Bellwether only (--target bellwether)");
    if (watchers < 1) throw new IllegalArgumentException("--watchers must be at least 1");
    var endpoints = common.parsedEndpoints();
    LoadSpec load = new LoadSpec(common.target, endpoints, writeTo, Placement.LEADER, Workload.WRITE, 0,
        Consistency.LINEARIZABLE, connections, rate, duration, warmup, common.keys, common.valueSize, common.keyPrefix,
        false, common.seedOrClock(), common.timeout, common.errorBackoff, common.security(endpoints), 0, common.keys);
    var err = new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true);
    err.println("bellwether-bench: seed " + load.seed());
    WatchReport report = WatchRun.run(load, watchers, catchUpTimeout, common.timeline, err);
    spec.commandLine().getOut().print(report.toText());
    spec.commandLine().getOut().flush();
    if (common.json != null) Files.writeString(common.json, Json.MAPPER.writeValueAsString(report.toJson()) + "\n");
    if (!report.complete()) {
      err.println("bellwether-bench: watch: not every watcher got every acknowledged write exactly once");
      return 1;
    }
    return 0;
  }
}
