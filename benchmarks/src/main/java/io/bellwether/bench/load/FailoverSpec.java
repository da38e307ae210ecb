package io.bellwether.bench.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One failover trial, as given on the command line (see {@link FailoverCommand}). */
record FailoverSpec(
    Target target,
    List<Endpoint> endpoints,
    Map<Endpoint, Long> pids,
    int connections,
    Duration settle,
    Duration maxWait,
    Duration tail,
    Placement writeTo,
    Duration probeInterval,
    int keys,
    int valueSize,
    String keyPrefix,
    long seed,
    Duration timeout,
    Duration errorBackoff,
    Signal signal,
    ClientSecurity security) {

  /**
   * How the leader is taken down. {@code KILL}: SIGKILL, the process dies and its host closes its
   * sockets at once (a crash). {@code STOP}: SIGSTOP, the process freezes with its sockets open, as a
   * hung host or a partition would look to its peers; it is killed after the trial.
   */
  enum Signal { KILL, STOP }

  FailoverSpec {
    if (endpoints.size() < 2) throw new IllegalArgumentException("failover needs at least two endpoints");
    if (connections < 1) throw new IllegalArgumentException("--connections must be at least 1");
    if (writeTo != Placement.SURVIVORS && writeTo != Placement.LEADER) {
      throw new IllegalArgumentException("failover --write-to is survivors or leader");
    }
    for (Endpoint e : pids.keySet()) {
      if (!endpoints.contains(e)) throw new IllegalArgumentException("--pids names " + e + ", not an endpoint");
    }
  }
}
