package io.bellwether.bench.load;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether-bench}: the end-to-end load tool ({@code load}, {@code failover}) and, as
 * {@code bellwether-bench jmh ...}, JMH's own main for the component benchmarks. The benchmarks
 * jar keeps JMH's main as its Main-Class; this class is run by name
 * ({@code java -cp bellwether-benchmarks.jar io.bellwether.bench.load.BenchCli load ...}), which is
 * what {@code bin/bellwether-bench} does.
 */
@Command(name = "bellwether-bench", mixinStandardHelpOptions = true,
    subcommands = {LoadCommand.class, FailoverCommand.class, WatchCommand.class},
    description = {"End-to-end HTTP load against Bellwether or etcd.",
        "  load      run a workload, report throughput, latency percentiles and errors",
        "  failover  kill -9 the leader under write load, report the time to the first write after it",
        "  watch     watchers of a prefix under write load: events/s, completeness, delivery delay",
        "  jmh ...   run the JMH component benchmarks (arguments go to JMH)"})
public final class BenchCli implements Runnable {

  @Spec
  CommandSpec spec;

  /** Runs the command and exits with its code. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs the command with its output on {@code out} and {@code err}; returns the exit code (0 done,
   * 1 failed, 2 bad usage; {@code failover} answers 1 when no write succeeded after the kill).
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new BenchCli());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(Duration.class, new DurationConverter());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("bellwether-bench: " + ex.getMessage());
        return 2;
      }
      Throwable cause = ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null
          ? ex.getCause() : ex;
      cmd.getErr().println("bellwether-bench: failed: " + cause.getMessage());
      // Operational failures (no leader, nothing listening) need no stack trace; bugs do.
      if (!(cause instanceof IllegalStateException) && !(cause instanceof java.io.IOException)) {
        cause.printStackTrace(cmd.getErr());
      }
      return 1;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
