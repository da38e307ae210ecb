package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.EntryType;
import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: the engine keeps only a bounded cache of its log in memory and reads the rest back through
// its LogReader, for lagging followers, applying and restarts, without changing what it does; and
// with a cache that holds what is being replicated and applied, it reads nothing back at all.
// Method: engines persisting into in-memory stores (EngineNet.withStores), with tiny cache bounds;
// the entries each engine read back from its store are counted.
class BoundedLogTest {

  private static final int CACHE_ENTRIES = 16;
  private static final long CACHE_BYTES = 2_000;
  private static final RaftConfig TINY = RaftConfig.DEFAULT.withLogCache(CACHE_ENTRIES, CACHE_BYTES);

  private static byte[] command(int i) {
    return ("command-" + i + "-" + "x".repeat(i % 40)).getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> commandsApplied(EngineNet net, String id) {
    return net.applied.get(id).stream().filter(e -> e.type() == EntryType.COMMAND)
        .map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
  }

  private static void assertCachesBounded(EngineNet net) {
    for (RaftEngine e : net.engines.values()) {
      assertThat(e.cachedLogBytes()).as("%s's cached entries", e.id()).isLessThanOrEqualTo(CACHE_BYTES);
    }
  }

  @Test
  void followersThatKeepUpAreServedFromMemoryAndTheCacheStaysBounded() {
    EngineNet net = EngineNet.withStores(3, TINY, 1);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    List<String> proposed = new ArrayList<>();
    for (int round = 0; round < 200; round++) {
      for (int k = 0; k < 4; k++) {
        byte[] command = command(proposed.size());
        proposed.add(new String(command, StandardCharsets.UTF_8));
        leader.propose(command);
      }
      net.stabilize();
      assertCachesBounded(net);
    }
    net.tickAll(TINY.heartbeatIntervalTicks()); // the followers learn the last commit index

    for (String id : net.engines.keySet()) {
      assertThat(commandsApplied(net, id)).as(id).containsExactlyElementsOf(proposed);
      // Replicating to followers that keep up, and applying, never went to the store.
      assertThat(net.readBack.get(id)).as("entries %s read back", id).isZero();
    }
    assertThat(leader.lastIndex()).isGreaterThan(10L * CACHE_ENTRIES);
  }

  @Test
  void aFollowerFarBehindCatchesUpWithEntriesReadFromTheStore() {
    EngineNet net = EngineNet.withStores(3, TINY, 2);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    net.isolate("n3");
    for (int i = 0; i < 600; i++) {
      leader.propose(command(i));
      if (i % 8 == 7) net.stabilize();
    }
    net.stabilize();
    assertThat(net.get("n3").lastIndex()).isLessThan(leader.lastIndex() - 500);

    net.healAll();
    net.tickAll(4 * TINY.heartbeatIntervalTicks());
    for (int i = 0; i < 50 && net.get("n3").appliedIndex() < leader.commitIndex(); i++) net.tickAll(1);

    assertThat(net.readBack.get("n1")).as("entries the leader read back for n3").isGreaterThan(500);
    assertThat(net.get("n3").appliedIndex()).isEqualTo(leader.commitIndex());
    assertThat(commandsApplied(net, "n3")).hasSize(600).containsExactlyElementsOf(commandsApplied(net, "n1"));
    assertThat(net.applied.get("n3")).containsExactlyElementsOf(net.applied.get("n1"));
    InMemoryLogStore leaderStore = net.stores.get("n1");
    assertThat(net.stores.get("n3").entries(1, leaderStore.lastIndex() + 1, Long.MAX_VALUE))
        .containsExactlyElementsOf(leaderStore.entries(1, leaderStore.lastIndex() + 1, Long.MAX_VALUE));
    assertCachesBounded(net);
  }

  @Test
  void aRestartedEngineKeepsOnlyTheTailAndAppliesTheRestFromTheStore() {
    InMemoryLogStore store = new InMemoryLogStore();
    List<LogEntry> stored = new ArrayList<>();
    // A configuration entry early in the log: restart must find it without holding the log.
    Membership solo = Membership.ofVoters(List.of("n1"));
    stored.add(LogEntry.config(1, 1, MembershipCodec.encode(new Membership(1, solo.members()))));
    for (int i = 2; i <= 3000; i++) stored.add(LogEntry.command(1, i, command(i)));
    store.append(stored);
    store.saveHardState(new HardState(1, "n1", 0));
    RaftEngine e = new RaftEngine("n1", Membership.ofVoters(List.of("n1", "n2", "n3")), TINY,
        new SplittableRandom(1), store.hardState(), null, readerOf(store), store.lastIndex(), SnapshotPorts.IN_HEAP);

    assertThat(e.cachedLogBytes()).isLessThanOrEqualTo(CACHE_BYTES);
    assertThat(e.voters()).containsExactly("n1");
    assertThat(e.lastIndex()).isEqualTo(3000);
    assertThat(e.lastTerm()).isEqualTo(1);
    assertThat(e.entryAt(2)).isEqualTo(stored.get(1));

    // Alone in its configuration, it elects itself, commits its no-op and applies the whole log.
    List<LogEntry> applied = new ArrayList<>();
    for (int i = 0; i < 10 * TINY.electionTimeoutTicks() && e.role() != Role.LEADER; i++) e.tick();
    for (int i = 0; i < 1000 && (e.hasReady() || e.appliedIndex() < e.commitIndex()); i++) {
      Ready r = e.ready();
      store.append(r.entries());
      applied.addAll(r.committedEntries());
      e.advance(r);
    }
    assertThat(e.role()).isEqualTo(Role.LEADER);
    assertThat(applied.subList(0, 3000)).containsExactlyElementsOf(stored);
    assertThat(applied.get(3000).type()).isEqualTo(EntryType.NOOP);
    assertThat(e.cachedLogBytes()).isLessThanOrEqualTo(CACHE_BYTES);
  }

  @Test
  void entriesNotYetPersistedStayInMemoryWhateverTheBound() {
    InMemoryLogStore store = new InMemoryLogStore();
    RaftEngine f = new RaftEngine("n2", Membership.ofVoters(List.of("n1", "n2", "n3")), TINY,
        new SplittableRandom(1), HardState.INITIAL, null, readerOf(store), 0, SnapshotPorts.IN_HEAP);
    List<LogEntry> batch = new ArrayList<>();
    long bytes = 0;
    for (int i = 1; i <= 200; i++) {
      batch.add(LogEntry.command(1, i, command(i)));
      bytes += batch.get(i - 1).sizeBytes();
    }

    f.step(new AppendEntries("n1", "n2", 1, 0, 0, batch, 0));

    assertThat(f.cachedLogBytes()).isEqualTo(bytes).isGreaterThan(CACHE_BYTES);
    Ready r = f.ready();
    assertThat(r.entries()).containsExactlyElementsOf(batch);
    assertThat(f.cachedLogBytes()).as("handed out, not yet persisted").isEqualTo(bytes);
    store.append(r.entries());
    f.advance(r);
    assertThat(f.cachedLogBytes()).isLessThanOrEqualTo(CACHE_BYTES);
    assertThat(f.entryAt(1)).isEqualTo(batch.get(0));
  }

  @Test
  void consistencyChecksAndTruncationsReachBehindTheCache() {
    InMemoryLogStore store = new InMemoryLogStore();
    List<LogEntry> old = new ArrayList<>();
    for (int i = 1; i <= 100; i++) old.add(LogEntry.command(1, i, command(i)));
    store.append(old);
    RaftEngine f = new RaftEngine("n2", Membership.ofVoters(List.of("n1", "n2", "n3")), TINY,
        new SplittableRandom(1), new HardState(1, null, 0), null, readerOf(store), 100, SnapshotPorts.IN_HEAP);

    // A leader of term 2 whose log matches up to 50 (a term-1 entry only the store still holds).
    List<LogEntry> newer = new ArrayList<>();
    for (int i = 51; i <= 60; i++) newer.add(LogEntry.command(2, i, command(1000 + i)));
    f.step(new AppendEntries("n3", "n2", 2, 50, 1, newer, 0));
    Ready r = f.ready();
    assertThat(r.entries()).containsExactlyElementsOf(newer);
    assertThat(r.messages()).containsExactly(new AppendEntriesResponse("n2", "n3", 2, true, 60, 0, 0));
    store.append(r.entries());
    f.advance(r);
    assertThat(f.lastIndex()).isEqualTo(60);
    assertThat(f.entryAt(50)).isEqualTo(old.get(49));
    assertThat(f.entryAt(51)).isEqualTo(newer.get(0));

    // A probe that does not match behind the cache: the hint names term 1 from its first index.
    f.step(new AppendEntries("n3", "n2", 2, 40, 2, List.of(), 0));
    List<Message> answer = f.ready().messages();
    assertThat(answer).containsExactly(new AppendEntriesResponse("n2", "n3", 2, false, 0, 1, 1));
  }

  private static LogReader readerOf(InMemoryLogStore store) {
    return new LogReader() {
      @Override
      public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
        return store.entries(fromIndex, toIndex, maxBytes);
      }

      @Override
      public long term(long index) {
        return store.term(index);
      }
    };
  }
}
