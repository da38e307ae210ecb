package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.testkit.inmem.CrashableLogStore;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

// Goal: prove the LogStore contract's configuration clauses can fail: a store that loses a snapshot's
// configuration, or turns its absence into an empty one, is caught, and one that keeps it passes.
// Method: run the whole suite through the JUnit engine against the test kit's crash-modelling store,
// once as it is and once per planted bug (a wrapper that changes snapshots on the way in or after a
// restart), and check which tests failed.
class LogStoreContractCanFailTest {

  private static final List<String> CONFIGURATION_CLAUSES = List.of(
      "snapshotReturnsTheSavedConfigurationUnchanged",
      "savedConfigurationSurvivesReopen",
      "preparedSnapshotKeepsItsConfigurationAcrossReopen",
      "aSnapshotWithoutAConfigurationComesBackWithoutOne",
      "aConfigurationWithoutMembersSurvivesReopenAsOne");

  @Test
  void aStoreThatKeepsTheConfigurationPassesEveryClause() {
    Events tests = run(Correct.class);

    tests.assertStatistics(stats -> stats.failed(0).skipped(0));
    assertThat(succeededNames(tests)).containsAll(CONFIGURATION_CLAUSES);
  }

  @Test
  void aStoreThatDropsTheConfigurationWhenSavingIsCaught() {
    // Only the configuration clauses catch it: before them the suite passed such a store.
    assertThat(failedNames(run(DropsOnSave.class))).containsExactlyInAnyOrder(
        "snapshotReturnsTheSavedConfigurationUnchanged",
        "savedConfigurationSurvivesReopen",
        "preparedSnapshotKeepsItsConfigurationAcrossReopen",
        "aConfigurationWithoutMembersSurvivesReopenAsOne");
  }

  @Test
  void aStoreThatKeepsTheConfigurationOnlyInMemoryIsCaughtAtReopen() {
    assertThat(failedNames(run(DropsOnDisk.class))).containsExactlyInAnyOrder(
        "savedConfigurationSurvivesReopen",
        "preparedSnapshotKeepsItsConfigurationAcrossReopen",
        "aConfigurationWithoutMembersSurvivesReopenAsOne");
  }

  @Test
  void aStoreThatStoresNoConfigurationAsAnEmptyOneIsCaught() {
    assertThat(failedNames(run(NoneBecomesEmpty.class)))
        .contains("aSnapshotWithoutAConfigurationComesBackWithoutOne");
  }

  private static Events run(Class<?> suite) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute().testEvents();
  }

  private static List<String> failedNames(Events tests) {
    return names(tests.failed());
  }

  private static List<String> succeededNames(Events tests) {
    return names(tests.succeeded());
  }

  private static List<String> names(Events events) {
    return events.stream().map(e -> e.getTestDescriptor().getDisplayName().replace("()", "")).toList();
  }

  private static Snapshot withMembership(Snapshot s, Membership membership) {
    return new Snapshot(s.lastIndex(), s.lastTerm(), membership, s.data());
  }

  /**
   * The contract run on a {@link CrashableLogStore} (reopened as its crash copy) seen through {@link
   * Planted}: {@code onSave} changes each snapshot as it is saved, {@code afterRestart} each one a
   * reopened store returns.
   */
  abstract static class PlantedContract extends LogStoreContract {
    UnaryOperator<Snapshot> onSave() {
      return UnaryOperator.identity();
    }

    UnaryOperator<Snapshot> afterRestart() {
      return UnaryOperator.identity();
    }

    @Override
    protected LogStore newStore() {
      return new Planted(new CrashableLogStore(), onSave(), UnaryOperator.identity());
    }

    @Override
    protected LogStore reopen(LogStore closed) {
      return new Planted(((Planted) closed).store.crashCopy(), onSave(), afterRestart());
    }
  }

  static class Correct extends PlantedContract {}

  /** Writes index, term and data, as a store written before snapshots carried a configuration. */
  static class DropsOnSave extends PlantedContract {
    @Override
    UnaryOperator<Snapshot> onSave() {
      return s -> withMembership(s, null);
    }
  }

  /** Returns what was saved until a restart, then what a file without the configuration holds. */
  static class DropsOnDisk extends PlantedContract {
    @Override
    UnaryOperator<Snapshot> afterRestart() {
      return s -> withMembership(s, null);
    }
  }

  /** Writes "no configuration" the way it writes a configuration without members. */
  static class NoneBecomesEmpty extends PlantedContract {
    @Override
    UnaryOperator<Snapshot> afterRestart() {
      return s -> s.membership() == null ? withMembership(s, Membership.EMPTY) : s;
    }
  }

  /** A store that hands every call to {@code store}, changing snapshots on the way as told. */
  static final class Planted implements LogStore {
    final CrashableLogStore store;
    private final UnaryOperator<Snapshot> onSave;
    private final UnaryOperator<Snapshot> onRead;

    Planted(CrashableLogStore store, UnaryOperator<Snapshot> onSave, UnaryOperator<Snapshot> onRead) {
      this.store = store;
      this.onSave = onSave;
      this.onRead = onRead;
    }

    @Override public HardState hardState() { return store.hardState(); }
    @Override public void saveHardState(HardState state) { store.saveHardState(state); }
    @Override public long firstIndex() { return store.firstIndex(); }
    @Override public long lastIndex() { return store.lastIndex(); }
    @Override public long term(long index) { return store.term(index); }
    @Override public List<LogEntry> entries(long from, long to, long maxBytes) { return store.entries(from, to, maxBytes); }
    @Override public void append(List<LogEntry> entries) { store.append(entries); }
    @Override public void truncateSuffix(long fromIndex) { store.truncateSuffix(fromIndex); }
    @Override public void compactPrefix(long upToIndex) { store.compactPrefix(upToIndex); }
    @Override public Optional<Snapshot> snapshot() { return store.snapshot().map(onRead); }
    @Override public void saveSnapshot(Snapshot snapshot) { store.saveSnapshot(onSave.apply(snapshot)); }
    @Override public void sync() { store.sync(); }
    @Override public void close() { store.close(); }
  }
}
