package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;
import org.junit.jupiter.api.Test;

// Goal: the leader's view of one follower moves only as Raft says: probe one append at a time, pipeline
// within a window once the logs match, ignore stale rejections, never go below what matched, and
// pause appends while a snapshot is on its way.
// Method: one Progress, driven through its named events.
class ProgressTest {

  private static Progress atNext(long next) {
    return new Progress(next, 2);
  }

  @Test
  void aProbeSendsOneAppendAndWaits() {
    Progress p = atNext(5);
    assertThat(p.state()).isEqualTo(Progress.State.PROBE);
    assertThat(p.isPaused()).isFalse();
    p.appendSent(4);
    assertThat(p.isPaused()).as("one probe at a time").isTrue();
    assertThat(p.nextIndex()).as("a probe does not move ahead").isEqualTo(5);
  }

  @Test
  void theFirstMatchStartsPipeliningWithinTheWindow() {
    Progress p = atNext(5);
    p.appendSent(4);
    assertThat(p.matched(4)).isTrue();
    assertThat(p.state()).isEqualTo(Progress.State.REPLICATE);
    assertThat(p.nextIndex()).isEqualTo(5);
    p.appendSent(6);
    p.appendSent(8);
    assertThat(p.nextIndex()).isEqualTo(9);
    assertThat(p.isPaused()).as("window of 2 full").isTrue();
    assertThat(p.matched(6)).isTrue();
    assertThat(p.isPaused()).as("the answer frees a slot").isFalse();
  }

  @Test
  void aMatchNeverLowersTheMatchIndex() {
    Progress p = atNext(1);
    p.matched(7);
    assertThat(p.matched(3)).as("a late answer").isFalse();
    assertThat(p.matchIndex()).isEqualTo(7);
  }

  @Test
  void aStaleRejectionChangesNothing() {
    Progress p = atNext(1);
    p.matched(7);
    p.appendSent(9);
    assertThat(p.rejected(6)).as("answers an append from before the match").isFalse();
    assertThat(p.state()).isEqualTo(Progress.State.REPLICATE);
    assertThat(p.nextIndex()).isEqualTo(10);
    assertThat(p.hasInflight()).isTrue();
  }

  @Test
  void aRejectionProbesAgainButNeverBelowWhatMatched() {
    Progress p = atNext(10);
    p.matched(4);
    p.appendSent(9);
    assertThat(p.rejected(8)).isTrue();
    assertThat(p.state()).isEqualTo(Progress.State.PROBE);
    assertThat(p.nextIndex()).isEqualTo(8);
    assertThat(p.hasInflight()).isFalse();
    p.probe(2);
    assertThat(p.nextIndex()).as("match index 4 is known").isEqualTo(5);
  }

  @Test
  void aSnapshotPausesAppendsUntilInstalledThenProbesAfterIt() {
    Progress p = atNext(3);
    Snapshot snapshot = new Snapshot(40, 2, new byte[10]);
    p.becomeSnapshot(new SnapshotTransfer(snapshot, SnapshotData.of(snapshot.data())));
    assertThat(p.state()).isEqualTo(Progress.State.SNAPSHOT);
    assertThat(p.isPaused()).isTrue();
    assertThat(p.snapshotTransfer().lastIndex()).isEqualTo(40);
    p.snapshotInstalled(40);
    assertThat(p.matchIndex()).isEqualTo(40);
    assertThat(p.state()).isEqualTo(Progress.State.PROBE);
    assertThat(p.nextIndex()).isEqualTo(41);
    assertThat(p.snapshotTransfer()).isNull();
  }

  @Test
  void aHeartbeatAnswerReportsWhetherAnythingMovedSinceTheLastOne() {
    Progress p = atNext(1);
    assertThat(p.heartbeatAnswered()).isFalse();
    p.matched(1);
    assertThat(p.heartbeatAnswered()).isTrue();
    assertThat(p.heartbeatAnswered()).as("reported once").isFalse();
    p.snapshotChunkAnswered();
    assertThat(p.heartbeatAnswered()).isTrue();
  }

  @Test
  void activityCountsUntilTheCheckQuorumRoundEnds() {
    Progress p = atNext(1);
    assertThat(p.recentlyActive()).isFalse();
    p.heardFrom(0);
    assertThat(p.recentlyActive()).isTrue();
    p.forgetActivity();
    assertThat(p.recentlyActive()).isFalse();
  }
}
