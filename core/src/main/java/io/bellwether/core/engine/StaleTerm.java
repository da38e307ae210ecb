package io.bellwether.core.engine;

import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;

/**
 * §5.1: "if a server receives a request with a stale term number, it rejects the request". The
 * rejection carries our term, so a deposed leader or a candidate of an old term learns it is behind
 * and steps down.
 *
 * <p>Which stale messages get an answer is a rule of its own: requests do, answers to our own old
 * requests do not, and of vote requests only a pre-vote. A pre-candidate does not raise its term
 * while it asks, so without our answer it could go on asking in a term below ours (etcd answers
 * stale pre-votes for the same reason); a stale candidate's vote request needs none.
 */
final class StaleTerm {

  private StaleTerm() {}

  /**
   * The rejection of {@code m}, whose term is below {@code term}, or null when it needs none.
   *
   * @param lastIndex our last log index, which a heartbeat's answer carries
   */
  static Message rejection(String id, long term, long lastIndex, Message m) {
    if (m instanceof AppendEntries ae) {
      return new AppendEntriesResponse(id, ae.from(), term, false, 0, 0, 0);
    } else if (m instanceof Heartbeat hb) {
      return new HeartbeatResponse(id, hb.from(), term, 0, lastIndex, false);
    } else if (m instanceof RequestVote rv && rv.preVote()) {
      return new RequestVoteResponse(id, rv.from(), term, false, true);
    } else if (m instanceof ReadIndexRequest r) {
      return new ReadIndexResponse(id, r.from(), term, r.requestId(), false, 0);
    } else if (m instanceof InstallSnapshot is) {
      return new InstallSnapshotResponse(id, is.from(), term, is.lastIndex(), 0, false);
    }
    return null; // stale answers to our own old requests need nothing
  }
}
