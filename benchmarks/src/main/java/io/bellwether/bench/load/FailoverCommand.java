package io.bellwether.bench.load;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bellwether-bench failover}: one trial of kill -9 the leader under write load. */
@Command(name = "failover", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Under a steady write load, kill -9 the leader's process and measure the time from the kill to"
        + " the first successful write sent after it. One trial; exit code 1 when no write succeeded in --max-wait.",
        "Writes go to the members other than the leader (--write-to survivors, the default): Bellwether followers"
            + " forward writes to the leader and etcd members forward proposals, so no client-side leader look-up"
            + " is in the measure. After the kill a fresh write is also sent every --probe-interval on connections"
            + " of its own, so requests stuck at the kill cannot hide a recovery."})
final class FailoverCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  CommonOptions common;

  @Option(names = "--pids", split = ",", paramLabel = "URL=PID",
      description = "process id of each member (Bellwether: optional, read from /health/live)")
  List<String> pids;

  @Option(names = "--connections", defaultValue = "16", description = "closed-loop writers (default: ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--settle", defaultValue = "5s", description = "steady load before the kill (default: ${DEFAULT-VALUE})")
  Duration settle;

  @Option(names = "--max-wait", defaultValue = "30s", description = "longest wait for a write after the kill (default: ${DEFAULT-VALUE})")
  Duration maxWait;

  @Option(names = "--tail", defaultValue = "1s", description = "load kept on after the first write, for the timeline (default: ${DEFAULT-VALUE})")
  Duration tail;

  @Option(names = "--write-to", defaultValue = "survivors",
      description = "survivors (every member but the leader) or leader (re-resolved after the kill) (default: ${DEFAULT-VALUE})")
  Placement writeTo;

  @Option(names = "--probe-interval", defaultValue = "10ms",
      description = "after the kill, one extra fresh write this often (default: ${DEFAULT-VALUE})")
  Duration probeInterval;

  @Option(names = "--signal", defaultValue = "KILL",
      description = "KILL (the process dies; its host closes its sockets) or STOP (it freezes with its sockets open,"
          + " as a hung host or a partition looks to its peers; killed after the trial) (default: ${DEFAULT-VALUE})")
  FailoverSpec.Signal signal;

  @Override
  public Integer call() throws Exception {
    Map<Endpoint, Long> pidMap = new LinkedHashMap<>();
    if (pids != null) {
      for (String p : pids) {
        int eq = p.lastIndexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--pids wants URL=PID, got '" + p + "'");
        try {
          pidMap.put(Endpoint.parse(p.substring(0, eq)), Long.parseLong(p.substring(eq + 1).trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--pids: '" + p.substring(eq + 1) + "' is not a pid");
        }
      }
    }
    var endpoints = common.parsedEndpoints();
    FailoverSpec f = new FailoverSpec(common.target, endpoints, pidMap, connections, settle, maxWait,
        tail, writeTo, probeInterval, common.keys, common.valueSize, common.keyPrefix, common.seedOrClock(),
        common.timeout, common.errorBackoff, signal, common.security(endpoints));
    var err = new java.io.PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true);
    FailoverReport report = FailoverRun.run(f, common.timeline, err);
    spec.commandLine().getOut().print(report.toText());
    spec.commandLine().getOut().flush();
    if (common.json != null) Files.writeString(common.json, Json.MAPPER.writeValueAsString(report.toJson()) + "\n");
    return report.succeeded() ? 0 : 1;
  }
}
