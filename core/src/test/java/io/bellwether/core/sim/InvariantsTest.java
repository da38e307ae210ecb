package io.bellwether.core.sim;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.LogEntry;
import org.junit.jupiter.api.Test;

// Goal: Log Matching is checked on every stored entry, against everything any node ever stored.
// Method: feed the checker the entries two nodes store, with their prefix hashes, as SimLogStore does.
class InvariantsTest {

  private final Invariants invariants = new Invariants();

  @Test
  void sameEntryAfterTheSamePrefixIsFine() {
    LogEntry e1 = LogEntry.command(1, 1, new byte[] {1});
    LogEntry e2 = LogEntry.command(1, 2, new byte[] {2});
    long h1 = SimLogStore.PrefixHash.next(0, e1);
    long h2 = SimLogStore.PrefixHash.next(h1, e2);

    invariants.stored("n1", e1, h1);
    invariants.stored("n1", e2, h2);
    invariants.stored("n2", e1, h1);

    assertThatCode(() -> invariants.stored("n2", e2, h2)).doesNotThrowAnyException();
  }

  @Test
  void sameIndexAndTermAfterADifferentPrefixBreaksLogMatching() {
    LogEntry e1 = LogEntry.command(1, 1, new byte[] {1});
    LogEntry other1 = LogEntry.command(1, 1, new byte[] {9});
    LogEntry e2 = LogEntry.command(2, 2, new byte[] {2});
    invariants.stored("n1", e2, SimLogStore.PrefixHash.next(SimLogStore.PrefixHash.next(0, e1), e2));

    long otherPrefix = SimLogStore.PrefixHash.next(SimLogStore.PrefixHash.next(0, other1), e2);

    assertThatThrownBy(() -> invariants.stored("n2", e2, otherPrefix))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("Log Matching violated");
  }
}
