package io.bellwether.core.kv;

// Goal: leases are replicated state that the state machine keeps exactly: ids are indexes, puts attach
// and detach keys, the end of a lease deletes its keys in one entry, snapshots keep it all (and the
// layout from before leases still restores), and listeners hear of everything in order.
// Method: a KvDriver applies commands at consecutive indexes; results, reads, snapshots and a recording
// listener are checked against what each command must do.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvLeaseStateMachineTest {

  private final KvDriver kv = new KvDriver();

  private LeaseResult lease(LeaseCommand command) {
    return LeaseResult.decode(kv.applyRaw(command.encode()));
  }

  private long grant(long ttlSeconds) {
    LeaseResult r = lease(new LeaseCommand.Grant(ttlSeconds, null, kv.nowMillis));
    assertThat(r.status()).isEqualTo(LeaseResult.Status.OK);
    return r.leaseId();
  }

  private KvResult putLeased(String key, String value, long lease) {
    return kv.apply(new KvCommand.Put(key, utf8(value), KvCommand.ANY, null, kv.nowMillis, lease));
  }

  private LeaseQueryResult.Lease leaseGet(long id) {
    List<LeaseQueryResult.Lease> found =
        LeaseQueryResult.decode(kv.sm.query(new KvQuery.LeaseGet(id).encode())).leases();
    return found.isEmpty() ? null : found.get(0);
  }

  @Test
  void aGrantsIdIsItsIndexAndPutsAttachAndDetach() {
    kv.put("x", "0");
    long id = grant(10);
    assertThat(id).isEqualTo(kv.index).isEqualTo(2);
    assertThat(putLeased("a", "1", id).ok()).isTrue();
    assertThat(putLeased("b", "1", id).ok()).isTrue();
    assertThat(kv.get("a").lease()).isEqualTo(id);
    assertThat(leaseGet(id).keys()).containsExactly("a", "b");
    assertThat(leaseGet(id).ttlSeconds()).isEqualTo(10);

    kv.put("a", "2"); // a put without a lease detaches
    assertThat(kv.get("a").lease()).isZero();
    kv.delete("b"); // a delete detaches
    assertThat(leaseGet(id).keys()).isEmpty();

    LeaseResult revoked = lease(new LeaseCommand.Revoke(id, null, kv.nowMillis));
    assertThat(revoked.status()).isEqualTo(LeaseResult.Status.OK);
    assertThat(revoked.keysDeleted()).isZero();
    assertThat(kv.get("a").found()).as("detached keys outlive the lease").isTrue();
    assertThat(leaseGet(id)).isNull();
  }

  @Test
  void revokeAndExpireDeleteEveryKeyInOneEntryInKeyOrder() {
    Recorder rec = new Recorder();
    kv.sm.addListener(rec);
    long first = grant(5);
    long second = grant(5);
    for (String k : List.of("c", "a", "b")) putLeased(k, "v", first);
    putLeased("z", "v", second);
    long versionOfA = kv.get("a").version();
    rec.events.clear();

    LeaseResult revoked = lease(new LeaseCommand.Revoke(first, null, kv.nowMillis));
    assertThat(revoked.keysDeleted()).isEqualTo(3);
    assertThat(revoked.index()).isEqualTo(kv.index);
    assertThat(rec.changes.get(kv.index)).extracting(KvChange::key).containsExactly("a", "b", "c");
    assertThat(rec.changes.get(kv.index)).allSatisfy(c -> {
      assertThat(c.type()).isEqualTo(KvChange.Type.DELETE);
      assertThat(c.cause()).isEqualTo(KvChange.Cause.LEASE_REVOKED);
      assertThat(c.lease()).isEqualTo(first);
    });
    assertThat(rec.changes.get(kv.index).get(0).version()).isEqualTo(versionOfA);
    assertThat(rec.events).containsExactly("ended " + first, "applied " + kv.index + " 3");
    assertThat(kv.sm.size()).isEqualTo(1);

    LeaseResult expired = lease(new LeaseCommand.Expire(second, kv.nowMillis));
    assertThat(expired.status()).isEqualTo(LeaseResult.Status.OK);
    assertThat(expired.keysDeleted()).isEqualTo(1);
    assertThat(rec.changes.get(kv.index)).singleElement()
        .satisfies(c -> assertThat(c.cause()).isEqualTo(KvChange.Cause.LEASE_EXPIRED));
    assertThat(kv.sm.size()).isZero();
    assertThat(kv.sm.leaseCount()).isZero();
  }

  @Test
  void endingAnAbsentLeaseIsNotFoundAndChangesNothing() {
    long id = grant(5);
    putLeased("a", "v", id);
    Recorder rec = new Recorder();
    kv.sm.addListener(rec);
    long before = kv.sm.stateHash();
    LeaseResult expired = lease(new LeaseCommand.Expire(id + 100, kv.nowMillis));
    assertThat(expired.status()).isEqualTo(LeaseResult.Status.NOT_FOUND);
    assertThat(expired.keysDeleted()).isZero();
    LeaseResult revoked = lease(new LeaseCommand.Revoke(id + 100, null, kv.nowMillis));
    assertThat(revoked.status()).isEqualTo(LeaseResult.Status.NOT_FOUND);
    assertThat(kv.sm.stateHash()).isEqualTo(before);
    // Listeners still hear of both entries, with no change: watchers learn how far the state got.
    assertThat(rec.events).containsExactly("applied " + (kv.index - 1) + " 0", "applied " + kv.index + " 0");
  }

  @Test
  void aPutNamingAMissingLeaseIsRefusedAndChangesNothing() {
    kv.put("a", "1");
    long before = kv.sm.stateHash();
    KvResult r = putLeased("a", "2", 99);
    assertThat(r.status()).isEqualTo(KvResult.Status.LEASE_NOT_FOUND);
    assertThat(kv.sm.stateHash()).isEqualTo(before);
    assertThat(new String(kv.get("a").value())).isEqualTo("1");
    // A lease that ended is missing too.
    long id = grant(5);
    lease(new LeaseCommand.Revoke(id, null, kv.nowMillis));
    assertThat(putLeased("b", "1", id).status()).isEqualTo(KvResult.Status.LEASE_NOT_FOUND);
    assertThat(kv.get("b").found()).isFalse();
  }

  @Test
  void aRetriedGrantGrantsOnce() {
    Recorder rec = new Recorder();
    kv.sm.addListener(rec);
    LeaseResult first = lease(new LeaseCommand.Grant(7, "req-1", kv.nowMillis));
    LeaseResult again = lease(new LeaseCommand.Grant(7, "req-1", kv.nowMillis));
    assertThat(again).isEqualTo(first);
    assertThat(kv.sm.leaseCount()).isEqualTo(1);
    assertThat(rec.events).containsExactly("granted 1 7", "applied 1 0", "applied 2 0");
    // And the remembered result survives a snapshot.
    KvStateMachine copy = new KvStateMachine();
    copy.restore(kv.index, kv.sm.snapshot());
    byte[] retried = copy.apply(kv.index + 1, new LeaseCommand.Grant(7, "req-1", kv.nowMillis).encode());
    assertThat(LeaseResult.decode(retried)).isEqualTo(first);
    assertThat(copy.leaseCount()).isEqualTo(1);
  }

  @Test
  void snapshotsKeepLeasesAndWhichKeyIsAttached() {
    long a = grant(5);
    long b = grant(60);
    putLeased("k1", "v", a);
    putLeased("k2", "v", b);
    putLeased("k3", "v", b);
    kv.put("plain", "v");
    Recorder rec = new Recorder();
    KvStateMachine copy = new KvStateMachine();
    copy.addListener(rec);
    copy.restore(kv.index, kv.sm.snapshot());
    assertThat(copy.stateHash()).isEqualTo(kv.sm.stateHash());
    assertThat(copy.snapshot()).isEqualTo(kv.sm.snapshot());
    assertThat(rec.events).containsExactly("restored " + kv.index + " {" + a + "=5, " + b + "=60}");
    // The attachment is live state, not just bytes: ending b deletes exactly its keys.
    byte[] end = copy.apply(kv.index + 1, new LeaseCommand.Expire(b, kv.nowMillis).encode());
    assertThat(LeaseResult.decode(end).keysDeleted()).isEqualTo(2);
    assertThat(copy.size()).isEqualTo(2);
  }

  @Test
  void theLayoutFromBeforeLeasesStillRestores() {
    // Tag 0x41: format 1, tag, varLong clock, entries (count, key, version, value), idempotency records.
    byte[] remembered = KvResult.written("a", 3).encode();
    byte[] v1 = WireWriter.message(0x41, 64).varLong(5_000)
        .varLong(2).string("a").varLong(3).bytes(utf8("one")).string("b").varLong(4).bytes(utf8("two"))
        .varLong(1).string("req-9").varLong(4_000).bytes(remembered)
        .toByteArray();
    kv.sm.restore(4, v1);
    kv.index = 4;
    assertThat(kv.sm.size()).isEqualTo(2);
    assertThat(kv.get("a").version()).isEqualTo(3);
    assertThat(new String(kv.get("b").value())).isEqualTo("two");
    assertThat(kv.get("b").lease()).isZero();
    assertThat(kv.sm.leaseCount()).isZero();
    assertThat(kv.sm.logClockMillis()).isEqualTo(5_000);
    assertThat(kv.sm.idempotencyRecordCount()).isEqualTo(1);
    byte[] retried = kv.sm.apply(5, new KvCommand.Put("a", utf8("x"), KvCommand.ANY, "req-9", 5_000).encode());
    assertThat(retried).isEqualTo(remembered);
    // It is written back in the new layout.
    assertThat(kv.sm.snapshot()[1]).isEqualTo((byte) 0x42);
  }

  @Test
  void aSnapshotNamingAnUnknownLeaseIsRefused() {
    // Lease 7 exists; key "a" names lease 8.
    byte[] bad = WireWriter.message(0x42, 64).varLong(0)
        .varLong(1).varLong(7).varLong(5)
        .varLong(1).string("a").varLong(3).bytes(utf8("one")).varLong(8)
        .varLong(0)
        .toByteArray();
    byte[] good = WireWriter.message(0x42, 64).varLong(0)
        .varLong(1).varLong(7).varLong(5)
        .varLong(1).string("a").varLong(3).bytes(utf8("one")).varLong(7)
        .varLong(0)
        .toByteArray();
    kv.put("before", "x");
    long hash = kv.sm.stateHash();
    assertThatThrownBy(() -> kv.sm.restore(9, bad)).isInstanceOf(KvFormatException.class)
        .hasMessageContaining("unknown lease 8");
    assertThat(kv.sm.stateHash()).isEqualTo(hash);
    kv.sm.restore(9, good);
    assertThat(kv.get("a").lease()).isEqualTo(7);
  }

  @Test
  void listenersHearOfEveryEntryAndOfLeasesBeforeTheEntry() {
    Recorder rec = new Recorder();
    kv.sm.addListener(rec);
    long id = grant(3);                      // 1
    putLeased("a", "v", id);                 // 2
    kv.cas("a", "w", 999);                   // 3: mismatch, no change
    kv.applyRaw(new byte[] {9, 9, 9});       // 4: invalid, no change
    lease(new LeaseCommand.Revoke(id, null, kv.nowMillis)); // 5
    assertThat(rec.events).containsExactly(
        "granted 1 3", "applied 1 0", "applied 2 1", "applied 3 0", "applied 4 0", "ended 1",
        "applied 5 1");
  }

  /** Records what a listener hears, as text, and each entry's changes. */
  static final class Recorder implements KvStateListener {
    final List<String> events = new ArrayList<>();
    final Map<Long, List<KvChange>> changes = new java.util.HashMap<>();

    @Override
    public void applied(long index, List<KvChange> list) {
      events.add("applied " + index + " " + list.size());
      changes.put(index, List.copyOf(list));
    }

    @Override
    public void leaseGranted(long id, long ttlSeconds) {
      events.add("granted " + id + " " + ttlSeconds);
    }

    @Override
    public void leaseEnded(long id) {
      events.add("ended " + id);
    }

    @Override
    public void restored(long index, Map<Long, Long> leases) {
      events.add("restored " + index + " " + leases);
    }
  }
}
