package io.bellwether.core.kv;

// Goal: the leader's lease clocks keep LeaseKeeper's promise: a full TTL from every grant, keepalive and
// new term; keepalives refused once a lease is due; each due lease handed out once per retry interval.
// Method: a keeper on a fake nanoTime that the test moves by hand.

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseKeeperTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long RETRY = 500_000_000L;

  private long now = 1_000 * SECOND;
  private final LeaseKeeper keeper = new LeaseKeeper(() -> now, RETRY);

  @Test
  void aLeaseIsDueItsTtlAfterItsGrantAndNotBefore() {
    keeper.lead(1);
    keeper.leaseGranted(7, 10);
    now += 10 * SECOND - 1;
    assertThat(keeper.due(1)).isEmpty();
    assertThat(keeper.remainingNanos(7, 1)).hasValue(1);
    now += 1;
    assertThat(keeper.due(1)).containsExactly(7L);
    assertThat(keeper.remainingNanos(7, 1)).hasValue(0);
  }

  @Test
  void aKeepaliveRestartsTheTtlFromNow() {
    keeper.lead(1);
    keeper.leaseGranted(7, 10);
    now += 9 * SECOND;
    assertThat(keeper.keepAlive(7, 1)).isEqualTo(LeaseKeeper.KeepAlive.RENEWED);
    now += 10 * SECOND - 1;
    assertThat(keeper.due(1)).isEmpty();
    now += 1;
    assertThat(keeper.due(1)).containsExactly(7L);
  }

  @Test
  void aKeepaliveAfterTheDeadlineOrWhileAnExpiryIsOutIsRefused() {
    keeper.lead(1);
    keeper.leaseGranted(7, 10);
    keeper.leaseGranted(8, 10);
    now += 10 * SECOND;
    // 7: past its deadline, no expiry proposed yet.
    assertThat(keeper.keepAlive(7, 1)).isEqualTo(LeaseKeeper.KeepAlive.NOT_FOUND);
    assertThat(keeper.due(1)).containsExactly(7L, 8L);
    // Both have an expiry out now; still refused, and the deadline was not moved.
    assertThat(keeper.keepAlive(8, 1)).isEqualTo(LeaseKeeper.KeepAlive.NOT_FOUND);
    assertThat(keeper.keepAlive(99, 1)).isEqualTo(LeaseKeeper.KeepAlive.NOT_FOUND);
  }

  @Test
  void aDueLeaseIsHandedOutOnceThenAgainAfterTheRetryInterval() {
    keeper.lead(1);
    keeper.leaseGranted(7, 1);
    now += SECOND;
    assertThat(keeper.due(1)).containsExactly(7L);
    assertThat(keeper.due(1)).isEmpty();
    now += RETRY - 1;
    assertThat(keeper.due(1)).isEmpty();
    now += 1;
    assertThat(keeper.due(1)).containsExactly(7L);
    keeper.leaseEnded(7);
    now += RETRY;
    assertThat(keeper.due(1)).isEmpty();
    assertThat(keeper.size()).isZero();
  }

  @Test
  void retriesBackOffSoASlowLogIsNotFloodedAndANewTermStartsOver() {
    keeper.lead(1);
    keeper.leaseGranted(7, 1);
    now += SECOND;
    List<Long> handedOutAt = new ArrayList<>();
    long start = now;
    for (int step = 0; step < 400 * 10; step++) {
      if (!keeper.due(1).isEmpty()) handedOutAt.add((now - start) / RETRY);
      now += RETRY / 10;
    }
    // Once, then after 1, 2, 4, ... retry intervals, at most 64 apart.
    assertThat(handedOutAt).startsWith(0L, 1L, 3L, 7L, 15L, 31L, 63L, 127L, 191L, 255L);
    assertThat(handedOutAt).hasSize(12); // ... 319, 383: not 400 times
    keeper.lead(2);
    now += SECOND;
    assertThat(keeper.due(2)).containsExactly(7L);
    now += RETRY;
    assertThat(keeper.due(2)).as("the back-off starts over in a new term").containsExactly(7L);
  }

  @Test
  void leadingANewTermGivesEveryLeaseAFullTtlOncePerTerm() {
    keeper.leaseGranted(7, 10); // applied as a follower
    keeper.leaseGranted(8, 20);
    now += 15 * SECOND;         // both would be due by the follower's clock
    keeper.lead(2);
    assertThat(keeper.due(2)).isEmpty();
    now += 10 * SECOND;
    keeper.lead(2);             // the same term again: no reset
    assertThat(keeper.due(2)).containsExactly(7L);
    // A new term resets again, and clears the expiry that was out.
    keeper.follow();
    keeper.lead(3);
    assertThat(keeper.due(3)).isEmpty();
    assertThat(keeper.keepAlive(7, 3)).isEqualTo(LeaseKeeper.KeepAlive.RENEWED);
    now += 20 * SECOND;
    assertThat(keeper.due(3)).containsExactly(7L, 8L);
  }

  @Test
  void askingAsTheLeaderOfANewTermResetsWithoutACallToLead() {
    keeper.lead(1);
    keeper.leaseGranted(7, 10);
    now += 10 * SECOND;
    // due(), keepAlive() and remainingNanos() with a new term start that term's clocks first.
    assertThat(keeper.remainingNanos(7, 2)).hasValue(10 * SECOND);
    now += 9 * SECOND;
    assertThat(keeper.due(2)).isEmpty();
  }

  @Test
  void aGrantAppliedLaterGetsItsTtlFromThen() {
    keeper.lead(1);
    now += 100 * SECOND;
    keeper.leaseGranted(7, 10);
    now += 10 * SECOND - 1;
    assertThat(keeper.due(1)).isEmpty();
    now += 1;
    assertThat(keeper.due(1)).containsExactly(7L);
  }

  @Test
  void aRestoredSnapshotRebuildsTheClocks() {
    keeper.lead(1);
    keeper.leaseGranted(1, 10);
    keeper.leaseGranted(2, 10);
    now += 5 * SECOND;
    keeper.restored(50, Map.of(2L, 10L, 40L, 30L));
    assertThat(keeper.size()).isEqualTo(2);
    assertThat(keeper.remainingNanos(1, 1)).isEmpty();
    assertThat(keeper.remainingNanos(2, 1)).hasValue(10 * SECOND);
    assertThat(keeper.remainingNanos(40, 1)).hasValue(30 * SECOND);
  }

  @Test
  void dueLooksOnlyAtLeasesThatMayBeDueAndRevokedLeasesDoNotPileUp() {
    long[] now = {0};
    LeaseKeeper keeper = new LeaseKeeper(() -> now[0], 3_600_000_000_000L); // no retries in this test
    keeper.lead(1);
    for (long id = 1; id <= 100_000; id++) keeper.leaseGranted(id, id % 2 == 0 ? 10 : 20);
    // Revoking most of them early must not leave their checks queued until their deadlines.
    for (long id = 1; id <= 99_000; id++) keeper.leaseEnded(id);
    assertThat(keeper.size()).isEqualTo(1_000);
    assertThat(keeper.checksQueued()).isLessThanOrEqualTo(2 * 1_000 + 1_024);
    now[0] = 9_999_999_999L;
    assertThat(keeper.due(1)).isEmpty();
    now[0] = 10_000_000_000L;
    List<Long> due = keeper.due(1);
    assertThat(due).hasSize(500).allMatch(id -> id % 2 == 0 && id > 99_000);
    // Kept alive since its check was queued: looked at again at its new deadline, not handed out.
    assertThat(keeper.keepAlive(99_001, 1)).isEqualTo(LeaseKeeper.KeepAlive.RENEWED);
    now[0] = 20_000_000_000L;
    assertThat(keeper.due(1)).hasSize(499).doesNotContain(99_001L);
    now[0] = 30_000_000_000L;
    assertThat(keeper.due(1)).contains(99_001L);
  }
}
