package io.bellwether.bench.load;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bellwether-bench load}: one workload, one report. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs a workload over many keep-alive connections and reports ops, throughput, errors by kind"
        + " and latency percentiles (HdrHistogram, microsecond precision) for reads and writes.")
final class LoadCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Option(names = "--write-to", defaultValue = "leader", description = "leader, all or first (default: ${DEFAULT-VALUE})")
  Placement writeTo;

  @Option(names = "--read-from", defaultValue = "leader",
      description = "leader, all, followers or first (default: ${DEFAULT-VALUE})")
  Placement readFrom;

  @Option(names = "--workload", defaultValue = "write", description = "write, read, mixed, keepalive (Bellwether: grants --keys leases, then keeps random ones alive;"
          + " timed as reads, sent per --read-from) or fill (writes each key of --fill-from..--fill-to once, in order,"
          + " then stops; --duration is a limit, no warm-up) (default: ${DEFAULT-VALUE})")
  Workload workload;

  @Option(names = "--read-fraction", defaultValue = "0.9", description = "share of reads in mixed (default: ${DEFAULT-VALUE})")
  double readFraction;

  @Option(names = "--consistency", defaultValue = "linearizable",
      description = "reads: linearizable, lease or stale (etcd: linearizable or stale = serializable) (default: ${DEFAULT-VALUE})")
  Consistency consistency;

  @Option(names = "--connections", defaultValue = "16",
      description = "connections = closed-loop workers, one request outstanding each (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--rate", defaultValue = "0",
      description = "total ops/s at fixed intervals, latency from the intended start; 0 = closed loop (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--duration", defaultValue = "30s", description = "measured time (default: ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "5s", description = "load before the measured time, left out of the figures (default: ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(names = "--preload", description = "write every key once before the run, so reads find values")
  boolean preload;

  @Option(names = "--fill-from", paramLabel = "INDEX", defaultValue = "0",
      description = "fill: the first key index to write (default: ${DEFAULT-VALUE})")
  int fillFrom;

  @Option(names = "--fill-to", paramLabel = "INDEX",
      description = "fill: write key indexes up to this one, excluded (default: --keys). Keys are padded to the width"
          + " of --keys, so a fill in parts keeps --keys and moves --fill-from and --fill-to")
  Integer fillTo;

  @Override
  public Integer call() throws Exception {
    var endpoints = common.parsedEndpoints();
    LoadSpec load = new LoadSpec(common.target, endpoints, writeTo, readFrom, workload, readFraction,
        consistency, connections, rate, duration, warmup, common.keys, common.valueSize, common.keyPrefix, preload,
        common.seedOrClock(), common.timeout, common.errorBackoff, common.security(endpoints),
        fillFrom, fillTo == null ? common.keys : fillTo);
    var err = new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true);
    err.println("bellwether-bench: seed " + load.seed());
    LoadReport report = LoadRun.run(load, common.timeline, err);
    spec.commandLine().getOut().print(report.toText());
    spec.commandLine().getOut().flush();
    if (common.json != null) Files.writeString(common.json, Json.MAPPER.writeValueAsString(report.toJson()) + "\n");
    return 0;
  }
}
