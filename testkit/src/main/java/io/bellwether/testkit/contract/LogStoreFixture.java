package io.bellwether.testkit.contract;


import io.bellwether.core.LogEntry;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;

/**
 * What every part of the {@link LogStoreContract} shares: how stores are opened, reopened and closed,
 * and the entries and snapshots the tests write.
 */
abstract class LogStoreFixture {

  static final long NO_LIMIT = Long.MAX_VALUE;

  private final List<LogStore> opened = new ArrayList<>();

  /** A new, empty store, used by one test only. */
  protected abstract LogStore newStore();

  /**
   * The store a restarted node would open on the medium {@code closed} used; {@code closed} has been
   * closed. A store that keeps nothing across restarts calls {@code
   * org.junit.jupiter.api.Assumptions.abort(...)}, which skips the durability tests.
   */
  protected abstract LogStore reopen(LogStore closed);

  @AfterEach
  void closeStores() {
    opened.forEach(LogStore::close);
  }

  // ---- helpers for subclasses and tests

  /** A fresh store that is closed after the test. */
  protected final LogStore open() {
    return track(newStore());
  }

  /** Closes {@code store} and opens it again through {@link #reopen}. */
  protected final LogStore closeAndReopen(LogStore store) {
    store.close();
    return track(reopen(store));
  }

  /** Entries {@code from..to} inclusive in {@code term}, each with distinct data. */
  protected static List<LogEntry> entries(long from, long to, long term) {
    return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, term)).toList();
  }

  protected static LogEntry entry(long index, long term) {
    return LogEntry.command(term, index, ("value-" + index + "@" + term).getBytes(StandardCharsets.UTF_8));
  }

  /** A snapshot without a configuration, as one stored before configurations were. */
  protected static Snapshot snapshot(long lastIndex, long lastTerm) {
    return snapshot(lastIndex, lastTerm, null);
  }

  protected static Snapshot snapshot(long lastIndex, long lastTerm, Membership membership) {
    return new Snapshot(lastIndex, lastTerm, membership, ("state@" + lastIndex).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A configuration with everything a store could lose or mix up: set by the entry at {@code index},
   * three voters and two learners, addresses full, partial and absent, a non-ASCII id.
   */
  protected static Membership membership(long index) {
    return new Membership(index, List.of(
        new Member("n1", true, "10.0.0.1:7001", "10.0.0.1:8001"),
        new Member("n2", true, "10.0.0.2:7001", null),
        Member.voter("n3"),
        Member.learner("n4", "10.0.0.4:7001", "10.0.0.4:8001"),
        new Member("nœud-5", false, null, "[::1]:8005")));
  }

  private LogStore track(LogStore store) {
    opened.add(store);
    return store;
  }
}
