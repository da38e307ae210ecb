package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: every stale request is refused with our term (§5.1), so its sender learns it is behind; a
// stale pre-vote is refused too (a pre-candidate does not raise its term by itself); a stale real
// vote request and stale answers get nothing.
// Method: StaleTerm.rejection for each message kind, from n2 at term 3 to n1 at term 5.
class StaleTermTest {

  private static final String ME = "n1";

  @Test
  void staleRequestsAreRefusedWithOurTerm() {
    assertThat(StaleTerm.rejection(ME, 5, 9, new AppendEntries("n2", ME, 3, 0, 0, List.of(), 0)))
        .isEqualTo(new AppendEntriesResponse(ME, "n2", 5, false, 0, 0, 0));
    assertThat(StaleTerm.rejection(ME, 5, 9, new Heartbeat("n2", ME, 3, 0, 7, 50_000, 10)))
        .isEqualTo(new HeartbeatResponse(ME, "n2", 5, 0, 9, false));
    assertThat(StaleTerm.rejection(ME, 5, 9, new ReadIndexRequest("n2", ME, 3, 42)))
        .isEqualTo(new ReadIndexResponse(ME, "n2", 5, 42, false, 0));
    assertThat(StaleTerm.rejection(ME, 5, 9,
        new InstallSnapshot("n2", ME, 3, 30, 2, 10, 0, 0, new byte[10])))
        .isEqualTo(new InstallSnapshotResponse(ME, "n2", 5, 30, 0, false));
  }

  @Test
  void aStalePreVoteIsRefusedButAStaleVoteRequestIsNotAnswered() {
    assertThat(StaleTerm.rejection(ME, 5, 9, new RequestVote("n2", ME, 4, 9, 3, true)))
        .isEqualTo(new RequestVoteResponse(ME, "n2", 5, false, true));
    assertThat(StaleTerm.rejection(ME, 5, 9, new RequestVote("n2", ME, 4, 9, 3, false))).isNull();
  }

  @Test
  void staleAnswersToOurOwnOldRequestsNeedNothing() {
    assertThat(StaleTerm.rejection(ME, 5, 9, new AppendEntriesResponse("n2", ME, 3, true, 4, 0, 0)))
        .isNull();
    assertThat(StaleTerm.rejection(ME, 5, 9, new RequestVoteResponse("n2", ME, 3, true, false)))
        .isNull();
    assertThat(StaleTerm.rejection(ME, 5, 9, new HeartbeatResponse("n2", ME, 3, 1, 4, true))).isNull();
  }
}
