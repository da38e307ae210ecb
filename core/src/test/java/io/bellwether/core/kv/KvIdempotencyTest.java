package io.bellwether.core.kv;

// Goal: a retried write is applied once and answered with its original bytes; records expire by the
// log clock only, and the table's cap evicts the eldest. Method: small retention and cap, exact times.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvIdempotencyTest {

  private static final long RETENTION_MILLIS = 1_000;
  private static final int MAX_RECORDS = 3;

  private final KvDriver kv = new KvDriver(new KvStateMachine(RETENTION_MILLIS, MAX_RECORDS));

  private static KvCommand put(String key, String value, String idempotencyKey, long atMillis) {
    return new KvCommand.Put(key, utf8(value), KvCommand.ANY, idempotencyKey, atMillis);
  }

  @Test
  void retryReturnsTheIdenticalOriginalResultAndIsNotAppliedAgain() {
    byte[] first = kv.applyRaw(put("a", "1", "req-1", 100).encode());
    byte[] retry = kv.applyRaw(put("a", "1", "req-1", 200).encode());
    assertThat(retry).isEqualTo(first);
    assertThat(KvResult.decode(retry)).isEqualTo(KvResult.written("a", 1).atIndex(1));
    assertThat(kv.get("a").version()).isEqualTo(1);
  }

  @Test
  void retryWithADifferentPayloadStillGetsTheOriginalResult() {
    byte[] first = kv.applyRaw(put("a", "1", "req-1", 100).encode());
    byte[] retry = kv.applyRaw(put("b", "2", "req-1", 100).encode());
    byte[] retryAsDelete =
        kv.applyRaw(new KvCommand.Delete("a", KvCommand.ANY, "req-1", 100).encode());
    assertThat(retry).isEqualTo(first);
    assertThat(retryAsDelete).isEqualTo(first);
    assertThat(kv.get("b").found()).isFalse();
    assertThat(kv.get("a").value()).isEqualTo(utf8("1"));
  }

  @Test
  void aRefusedWriteIsRememberedToo() {
    kv.put("a", "1");
    KvCommand cas = new KvCommand.Put("a", utf8("2"), 9, "req-1", 100);
    assertThat(kv.apply(cas)).isEqualTo(KvResult.mismatch("a", 1));
    kv.put("a", "3");
    kv.put("a", "4");
    kv.put("a", "5");
    kv.put("a", "6");
    kv.put("a", "7");
    kv.put("a", "8");
    kv.put("a", "9");
    assertThat(kv.sm.size()).isEqualTo(1);
    // Now at version 9, which the retry expects; it still gets the original refusal.
    assertThat(kv.apply(cas)).isEqualTo(KvResult.mismatch("a", 1));
    assertThat(kv.get("a").value()).isEqualTo(utf8("9"));
  }

  @Test
  void writesWithoutIdempotencyKeyAreNotRemembered() {
    kv.put("a", "1");
    kv.put("a", "1");
    assertThat(kv.get("a").version()).isEqualTo(2);
    assertThat(kv.sm.idempotencyRecordCount()).isZero();
  }

  @Test
  void aRecordSurvivesExactlyTheRetentionWindow() {
    kv.apply(put("a", "1", "req-1", 100));
    // Another command moves the log clock to the last millisecond of the window.
    kv.apply(put("x", "x", null, 100 + RETENTION_MILLIS));
    assertThat(kv.apply(put("a", "2", "req-1", 100 + RETENTION_MILLIS)).version()).isEqualTo(1);
    assertThat(kv.get("a").value()).isEqualTo(utf8("1"));
  }

  @Test
  void aRecordExpiresOnceTheLogClockPassesTheWindow() {
    kv.apply(put("a", "1", "req-1", 100));
    kv.apply(put("x", "x", null, 100 + RETENTION_MILLIS + 1));
    assertThat(kv.sm.idempotencyRecordCount()).isZero();
    assertThat(kv.apply(put("a", "2", "req-1", 100 + RETENTION_MILLIS + 1)).version()).isEqualTo(3);
    assertThat(kv.get("a").value()).isEqualTo(utf8("2"));
  }

  @Test
  void theRetryItselfAdvancesTheClockBeforeItsLookup() {
    kv.apply(put("a", "1", "req-1", 100));
    assertThat(kv.apply(put("a", "2", "req-1", 100 + RETENTION_MILLIS + 1)).version()).isEqualTo(2);
  }

  @Test
  void anOldTimestampDoesNotTurnTheLogClockBack() {
    kv.apply(put("a", "1", "req-1", 5_000));
    kv.apply(put("b", "1", "req-2", 10));
    assertThat(kv.sm.logClockMillis()).isEqualTo(5_000);
  }

  @Test
  void nodeClockPlaysNoPart() {
    // Timestamps far in the past relative to the wall clock: nothing expires without log time passing.
    kv.apply(put("a", "1", "req-1", 1));
    kv.apply(put("b", "1", "req-2", 1));
    assertThat(kv.sm.idempotencyRecordCount()).isEqualTo(2);
  }

  @Test
  void theCapEvictsTheEldestRecordFirst() {
    for (int i = 1; i <= MAX_RECORDS + 1; i++) kv.apply(put("k" + i, "v", "req-" + i, 100));
    assertThat(kv.sm.idempotencyRecordCount()).isEqualTo(MAX_RECORDS);
    // req-1 was evicted: applied anew (evicting req-2). req-3 is still remembered.
    assertThat(kv.apply(put("k1", "again", "req-1", 100)).version()).isEqualTo(5);
    assertThat(kv.apply(put("k2", "again", "req-3", 100)))
        .isEqualTo(KvResult.written("k3", 3));
    assertThat(kv.get("k2").value()).isEqualTo(utf8("v"));
  }

  @Test
  void recordsSurviveSnapshotAndRestore() {
    byte[] original = kv.applyRaw(put("a", "1", "req-1", 100).encode());
    KvDriver restored = new KvDriver(new KvStateMachine(RETENTION_MILLIS, MAX_RECORDS));
    restored.sm.restore(kv.index, kv.sm.snapshot());
    restored.index = kv.index;
    assertThat(restored.applyRaw(put("a", "2", "req-1", 150).encode())).isEqualTo(original);
    assertThat(restored.sm.logClockMillis()).isEqualTo(150);
  }

  @Test
  void aRetryAnswersWithTheOriginalIndexNotItsOwn() {
    KvDriver kv = new KvDriver();
    KvCommand put = new KvCommand.Put("a", KvDriver.utf8("v"), KvCommand.ANY, "req-1", 0);
    KvResult first = kv.applyWithIndex(put);
    kv.put("other", "x");
    KvResult retry = kv.applyWithIndex(put);
    assertThat(first.index()).isEqualTo(1);
    assertThat(retry).isEqualTo(first);
    KvCommand refused = new KvCommand.Put("a", KvDriver.utf8("w"), 99, "req-2", 0);
    KvResult mismatch = kv.applyWithIndex(refused);
    kv.put("other", "y");
    assertThat(kv.applyWithIndex(refused)).isEqualTo(mismatch);
    assertThat(mismatch.index()).isEqualTo(4);
  }
}
