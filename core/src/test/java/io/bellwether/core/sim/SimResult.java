package io.bellwether.core.sim;

import io.bellwether.core.lin.History;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one simulation run: whether it failed and why, and what a human needs to follow
 * and replay it.
 *
 * @param failure what went wrong, or null when every property held
 * @param cause the exception a node threw, when that was the failure; else null
 * @param schedule the faults injected, with their times
 * @param lastSteps the steps just before the end (or the failure)
 * @param nodesAtEnd one line per node at the end
 * @param historyFile where the history was saved as JSON lines (on failure only), or null
 * @param traceHash a hash of every step: equal for two runs of one configuration
 */
public record SimResult(
    SimConfig config,
    String failure,
    Throwable cause,
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
      String linearizability, int staleReadsChecked, int leaseReads, int leaseReadsAtOnce) {}

  public boolean failed() {
    return failure != null;
  }

  /** Everything about a failure: the seed, how to replay, the fault schedule, the last steps. */
  public String report() {
    StringBuilder b = new StringBuilder();
    b.append(failed() ? "SIMULATION FAILED: " + failure : "simulation passed").append('\n');
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
    if (cause != null) b.append("cause: ").append(cause).append('\n');
    return b.toString();
  }

  /** One line: seed, verdict and counts. */
  public String summary() {
    return "sim seed=" + config.seed() + " nodes=" + config.nodes()
        + (config.bugs().isEmpty() ? "" : " bugs=" + config.bugs())
        + (failed() ? " FAILED" : " ok") + " ticks=" + stats.ticks() + " steps=" + stats.steps()
        + " committed=" + stats.committed() + " ops ok/fail/info=" + stats.ok() + "/"
        + stats.failed() + "/" + stats.unknown() + " crashes=" + stats.crashes() + " msgs sent/lost="
        + stats.messagesSent() + "/" + stats.messagesDropped() + ", " + stats.linearizability()
        + ", stale reads checked=" + stats.staleReadsChecked()
        + (config.clocks().bounded()
            ? ", clocks " + config.clocks() + ", lease reads=" + stats.leaseReads() + " (at once "
                + stats.leaseReadsAtOnce() + ")"
            : "")
        + ", " + stats.elapsedMillis() + " ms";
  }
}
