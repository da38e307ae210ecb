package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.Membership;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import org.junit.jupiter.api.Test;

/**
 * The {@link LogStoreContract}'s clauses about the configuration a snapshot carries: a store keeps
 * {@link Snapshot#membership()} with the data, exactly, and keeps its absence as an absence. A node
 * restarted from a snapshot whose configuration was lost would fall back to its bootstrap voters and
 * forget every membership change the snapshot covers; one whose missing configuration came back as
 * an empty one would wait to join forever.
 */
abstract class LogStoreMembershipClauses extends LogStoreLogClauses {

  @Test
  void snapshotReturnsTheSavedConfigurationUnchanged() {
    LogStore store = open();
    store.append(entries(1, 10, 2));
    Membership membership = membership(7);

    store.saveSnapshot(snapshot(9, 2, membership));

    Membership found = store.snapshot().orElseThrow().membership();
    assertThat(found).isEqualTo(membership);
    assertThat(found.index()).isEqualTo(7);
    assertThat(found.members()).containsExactlyElementsOf(membership.members());
    assertThat(found.voters()).containsExactly("n1", "n2", "n3");
    assertThat(found.learners()).containsExactly("n4", "nœud-5");
  }

  @Test
  void savedConfigurationSurvivesReopen() {
    LogStore store = open();
    store.append(entries(1, 10, 2));
    Snapshot snapshot = snapshot(9, 2, membership(7));
    store.saveSnapshot(snapshot);
    store.compactPrefix(9);
    store.sync();

    LogStore reopened = closeAndReopen(store);

    Snapshot found = reopened.snapshot().orElseThrow();
    assertThat(found.membership()).isEqualTo(membership(7));
    assertThat(found.membership().members()).containsExactlyElementsOf(membership(7).members());
    assertThat(found).isEqualTo(snapshot);
  }

  @Test
  void preparedSnapshotKeepsItsConfigurationAcrossReopen() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    Snapshot prepared = snapshot(10, 1, membership(10));
    store.prepareSnapshot(prepared);

    store.saveSnapshot(prepared);
    store.sync();
    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.snapshot().orElseThrow().membership()).isEqualTo(membership(10));
  }

  @Test
  void aSnapshotWithoutAConfigurationComesBackWithoutOne() {
    LogStore store = open();
    store.append(entries(1, 10, 1));
    store.saveSnapshot(snapshot(4, 1, membership(3)));
    store.sync();
    // A later snapshot without a configuration replaces the earlier one's, and is not an empty one.
    store.saveSnapshot(snapshot(8, 1));
    store.sync();
    assertThat(store.snapshot().orElseThrow().membership()).isNull();

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.snapshot().orElseThrow().lastIndex()).isEqualTo(8);
    assertThat(reopened.snapshot().orElseThrow().membership()).isNull();
  }

  @Test
  void aConfigurationWithoutMembersSurvivesReopenAsOne() {
    LogStore store = open();
    store.append(entries(1, 5, 1));
    store.saveSnapshot(snapshot(5, 1, Membership.EMPTY));
    store.sync();

    LogStore reopened = closeAndReopen(store);

    assertThat(reopened.snapshot().orElseThrow().membership()).isEqualTo(Membership.EMPTY);
  }
}
