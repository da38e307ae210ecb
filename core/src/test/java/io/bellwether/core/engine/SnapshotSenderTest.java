package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: a leader sends a snapshot in order, at most one chunk unanswered, resumes from the offset the
// follower asks for, sends a lost chunk again, and reports the installation.
// Method: a SnapshotSender and one follower's Progress; the test plays the follower's answers.
class SnapshotSenderTest {

  private static final byte[] DATA = new byte[25];

  static {
    for (int i = 0; i < DATA.length; i++) DATA[i] = (byte) i;
  }

  private static final java.util.function.Function<Snapshot, io.bellwether.core.spi.SnapshotData>
      IN_HEAP = SnapshotPorts.IN_HEAP.exporter();

  private final Effects effects = new Effects();
  private final Snapshot snapshot = new Snapshot(40, 3, DATA);
  private final SnapshotSender sender = new SnapshotSender("n1", 5, 10, effects, () -> snapshot, IN_HEAP);
  private final Progress follower = new Progress(1, 4);

  private List<InstallSnapshot> sent() {
    return effects.takeMessages().stream().map(m -> (InstallSnapshot) m).toList();
  }

  private static InstallSnapshotResponse expects(long nextOffset) {
    return new InstallSnapshotResponse("n2", "n1", 5, 40, nextOffset, false);
  }

  @Test
  void startSendsTheFirstChunkOnly() {
    sender.start("n2", follower);
    List<InstallSnapshot> sent = sent();
    assertThat(sent).singleElement().satisfies(c -> {
      assertThat(c.offset()).isZero();
      assertThat(c.data()).hasSize(10);
      assertThat(c.totalBytes()).isEqualTo(25);
      assertThat(c.lastIndex()).isEqualTo(40);
      assertThat(c.checksum()).isEqualTo(SnapshotReceiver.checksumOf(DATA));
    });
    assertThat(follower.state()).isEqualTo(Progress.State.SNAPSHOT);
    assertThat(follower.snapshotTransfer().chunkInFlight()).isTrue();
  }

  @Test
  void eachAnswerSendsTheChunkTheFollowerExpectsAndTheLastIsShort() {
    sender.start("n2", follower);
    sent();
    SnapshotTransfer t = follower.snapshotTransfer();
    assertThat(sender.onResponse(expects(10), t)).isFalse();
    assertThat(sent()).singleElement().satisfies(c -> assertThat(c.offset()).isEqualTo(10));
    assertThat(sender.onResponse(expects(20), t)).isFalse();
    assertThat(sent()).singleElement().satisfies(c -> {
      assertThat(c.offset()).isEqualTo(20);
      assertThat(c.data()).containsExactly(20, 21, 22, 23, 24);
    });
  }

  @Test
  void aFollowerThatLostBytesIsSentThemAgainFromItsOffset() {
    sender.start("n2", follower);
    sent();
    SnapshotTransfer t = follower.snapshotTransfer();
    sender.onResponse(expects(10), t);
    sent();
    sender.onResponse(expects(0), t); // it started over (a corrupted transfer)
    assertThat(sent()).singleElement().satisfies(c -> assertThat(c.offset()).isZero());
  }

  @Test
  void aLostChunkIsResentOnlyWhenTheHeartbeatSaysSo() {
    sender.start("n2", follower);
    sent();
    SnapshotTransfer t = follower.snapshotTransfer();
    assertThat(t.nextChunk(10)).as("one in flight: no second chunk").isNull();
    sender.resend("n2", t);
    assertThat(sent()).singleElement().satisfies(c -> assertThat(c.offset()).isZero());
  }

  @Test
  void anInstalledAnswerEndsTheTransferWithoutSendingMore() {
    sender.start("n2", follower);
    sent();
    boolean installed = sender.onResponse(
        new InstallSnapshotResponse("n2", "n1", 5, 40, 25, true), follower.snapshotTransfer());
    assertThat(installed).isTrue();
    assertThat(effects.takeMessages()).isEmpty();
  }

  @Test
  void theTransferKeepsTheSnapshotItStartedWith() {
    Snapshot[] latest = {snapshot};
    SnapshotSender s = new SnapshotSender("n1", 5, 10, effects, () -> latest[0], IN_HEAP);
    s.start("n2", follower);
    latest[0] = new Snapshot(80, 4, new byte[3]);
    s.onResponse(expects(10), follower.snapshotTransfer());
    List<Message> sent = effects.takeMessages();
    assertThat(sent).last().satisfies(m -> assertThat(((InstallSnapshot) m).lastIndex()).isEqualTo(40));
  }

  @Test
  void aLogCompactedWithoutASnapshotIsABug() {
    SnapshotSender none = new SnapshotSender("n1", 5, 10, effects, () -> null, IN_HEAP);
    assertThatThrownBy(() -> none.start("n2", follower))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a snapshot");
  }
}
