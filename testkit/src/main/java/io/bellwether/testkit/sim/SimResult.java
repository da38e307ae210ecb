package io.bellwether.testkit.sim;

import io.bellwether.testkit.lin.History;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one simulation run: whether it failed and why, and what a human needs to follow
 * and replay it.
 *
 * @param failure what went wrong, or null when every property held
 * @param cause the exception a node (or, when the harness broke, the harness) threw; else null
 * @param harnessBroke the harness itself threw (a bug in the simulation, not a finding about Raft);
 *     {@code failure} says where, {@code cause} is the exception
 * @param schedule the faults injected, with their times
 * @param lastSteps the steps just before the end (or the failure)
 * @param nodesAtEnd one line per node at the end
 * @param historyFile where the history was saved as JSON lines (a failing run's, or every run's
 *     with {@code -Dbellwether.history.dir}), or null
 * @param traceHash a hash of every step: equal for two runs of one configuration
 */
public record SimResult(
    SimConfig config,
    String failure,
    Throwable cause,
    boolean harnessBroke,
    List<String> schedule,
    List<String> lastSteps,
    String nodesAtEnd,
    History history,
    Path historyFile,
    long traceHash,
    Stats stats) {

  /** Counts for the closing line of a run. */
  public record Stats(long ticks, long steps, long committed, int ok, int failed, int unknown,
      int crashes, long messagesSent, long messagesDropped, long elapsedMillis,
      String linearizability, int staleReadsChecked, int leaseReads, int leaseReadsAtOnce,
      long entriesReadBack) {}

  /** A run that broke the harness before it had a cluster: only the failure and the replay hint. */
  static SimResult withoutCluster(SimConfig config, String failure, Throwable cause,
      boolean harnessBroke, long elapsedMillis) {
    return new SimResult(config, failure, cause, harnessBroke, List.of(), List.of(), "",
        new History(), null, 0,
        new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, elapsedMillis, "not checked", 0, 0, 0, 0));
  }

  public boolean failed() {
    return failure != null;
  }

  /** Everything about a failure: the seed, how to replay, the fault schedule, the last steps. */
  public String report() {
    StringBuilder b = new StringBuilder();
    b.append(!failed() ? "simulation passed"
        : harnessBroke ? "SIMULATION HARNESS BROKE: " + failure
        : "SIMULATION FAILED: " + failure).append('\n');
    b.append("seed=").append(config.seed()).append(" nodes=").append(config.nodes())
        .append(" bugs=").append(config.bugs()).append(" raft=")
        .append(config.raft()).append(" snapshots=").append(config.snapshots()).append(" clocks=")
        .append(config.clocks()).append('\n');
    b.append("replay: ").append(config.replayHint()).append('\n');
    b.append("fault schedule (").append(schedule.size()).append(" actions):\n");
    for (String s : schedule) b.append("  ").append(s).append('\n');
    b.append("last steps:\n");
    for (String s : lastSteps) b.append("  ").append(s).append('\n');
    b.append("nodes:\n").append(nodesAtEnd);
    if (historyFile != null) {
      b.append("history (").append(history.size()).append(" events) saved to ").append(historyFile)
          .append('\n');
    }
    if (harnessBroke) {
      // A harness bug is found from where it threw, not from the cluster's story.
      StringWriter trace = new StringWriter();
      cause.printStackTrace(new PrintWriter(trace));
      b.append("cause: ").append(trace);
    } else if (cause != null) {
      b.append("cause: ").append(cause).append('\n');
    }
    return b.toString();
  }

  /** One line: seed, verdict and counts. */
  public String summary() {
    return "sim seed=" + config.seed() + " nodes=" + config.nodes()
        + (config.bugs().isEmpty() ? "" : " bugs=" + config.bugs())
        + (!failed() ? " ok" : harnessBroke ? " BROKE THE HARNESS" : " FAILED")
        + " ticks=" + stats.ticks() + " steps=" + stats.steps()
        + " committed=" + stats.committed() + " ops ok/fail/info=" + stats.ok() + "/"
        + stats.failed() + "/" + stats.unknown() + " crashes=" + stats.crashes() + " msgs sent/lost="
        + stats.messagesSent() + "/" + stats.messagesDropped() + ", " + stats.linearizability()
        + ", stale reads checked=" + stats.staleReadsChecked()
        + ", entries read back=" + stats.entriesReadBack()
        + (config.clocks().bounded()
            ? ", clocks " + config.clocks() + ", lease reads=" + stats.leaseReads() + " (at once "
                + stats.leaseReadsAtOnce() + ")"
            : "")
        + ", " + stats.elapsedMillis() + " ms";
  }
}
