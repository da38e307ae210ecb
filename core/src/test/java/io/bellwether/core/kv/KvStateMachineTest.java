package io.bellwether.core.kv;

// Goal: the store's write semantics: versions are log indexes, compare-and-set, deletes, bad commands.
// Method: drive one state machine with consecutive indexes and check each result and read-back.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.kv.KvResult.Status;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {

  private final KvDriver kv = new KvDriver();

  @Test
  void putSetsVersionToTheLogIndex() {
    kv.index = 41;
    assertThat(kv.put("a", "1")).isEqualTo(KvResult.written("a", 42));
    assertThat(kv.get("a")).isEqualTo(new KvQueryResult.GetResult(true, utf8("1"), 42));
    assertThat(kv.sm.size()).isEqualTo(1);
  }

  @Test
  void overwriteMovesTheVersionToTheNewIndex() {
    kv.put("a", "1");
    assertThat(kv.put("a", "2").version()).isEqualTo(2);
    assertThat(kv.get("a").value()).isEqualTo(utf8("2"));
    assertThat(kv.get("a").version()).isEqualTo(2);
  }

  @Test
  void getOfAMissingKeyIsNotFound() {
    assertThat(kv.get("nope")).isEqualTo(KvQueryResult.GetResult.notFound());
  }

  @Test
  void deleteRemovesTheKeyAndReportsIt() {
    kv.put("a", "1");
    assertThat(kv.delete("a")).isEqualTo(KvResult.removed("a", 2));
    assertThat(kv.get("a").found()).isFalse();
    assertThat(kv.sm.size()).isZero();
  }

  @Test
  void deleteOfAMissingKeySucceedsWithoutRemoving() {
    assertThat(kv.delete("ghost")).isEqualTo(new KvResult(Status.OK, "ghost", 0, false, 0));
  }

  @Test
  void putAtTheExpectedVersionSucceeds() {
    kv.put("a", "1");
    assertThat(kv.cas("a", "2", 1)).isEqualTo(KvResult.written("a", 2));
    assertThat(kv.get("a").value()).isEqualTo(utf8("2"));
  }

  @Test
  void putAtAStaleVersionFailsWithTheCurrentVersion() {
    kv.put("a", "1");
    kv.put("a", "2");
    assertThat(kv.cas("a", "3", 1)).isEqualTo(KvResult.mismatch("a", 2));
    assertThat(kv.get("a").value()).isEqualTo(utf8("2"));
  }

  @Test
  void createOnlySucceedsOnAMissingKey() {
    assertThat(kv.cas("a", "1", KvCommand.ABSENT)).isEqualTo(KvResult.written("a", 1));
  }

  @Test
  void createOnlyFailsOnAnExistingKey() {
    kv.put("a", "1");
    assertThat(kv.cas("a", "2", KvCommand.ABSENT)).isEqualTo(KvResult.mismatch("a", 1));
    assertThat(kv.get("a").value()).isEqualTo(utf8("1"));
  }

  @Test
  void putExpectingAVersionOfAMissingKeyFailsWithVersionZero() {
    assertThat(kv.cas("a", "1", 7)).isEqualTo(KvResult.mismatch("a", 0));
    assertThat(kv.get("a").found()).isFalse();
  }

  @Test
  void conditionalDeleteAtTheCurrentVersionRemoves() {
    kv.put("a", "1");
    assertThat(kv.delete("a", 1)).isEqualTo(KvResult.removed("a", 2));
  }

  @Test
  void conditionalDeleteAtAnotherVersionFailsAndKeepsTheKey() {
    kv.put("a", "1");
    assertThat(kv.delete("a", 5)).isEqualTo(KvResult.mismatch("a", 1));
    assertThat(kv.delete("a", KvCommand.ABSENT)).isEqualTo(KvResult.mismatch("a", 1));
    assertThat(kv.get("a").found()).isTrue();
  }

  @Test
  void conditionalDeleteOfAMissingKeyFailsUnlessExpectingAbsent() {
    assertThat(kv.delete("a", 3)).isEqualTo(KvResult.mismatch("a", 0));
    assertThat(kv.delete("a", KvCommand.ABSENT)).isEqualTo(KvResult.nothingRemoved("a"));
  }

  @Test
  void recreatedKeyStartsAtItsNewIndex() {
    kv.put("a", "1");
    kv.delete("a");
    assertThat(kv.cas("a", "2", KvCommand.ABSENT)).isEqualTo(KvResult.written("a", 3));
  }

  @Test
  void malformedCommandsAreInvalidResultsNotExceptions() {
    kv.put("a", "1");
    long before = kv.sm.stateHash();
    byte[] valid = KvCommand.put("b", utf8("x"), 5).encode();
    byte[][] bad = {
      new byte[0], {1}, {9, 1, 0}, {1, 99}, Arrays.copyOf(valid, valid.length - 1),
      Arrays.copyOf(valid, valid.length + 1), null
    };
    for (byte[] command : bad) {
      assertThat(KvResult.decode(kv.applyRaw(command))).isEqualTo(KvResult.invalid());
    }
    assertThat(kv.sm.stateHash()).isEqualTo(before);
  }

  @Test
  void emptyValuesAreValues() {
    kv.put("a", "");
    assertThat(kv.get("a")).isEqualTo(new KvQueryResult.GetResult(true, new byte[0], 1));
  }

  @Test
  void indexBelowOneIsACallerBug() {
    byte[] command = KvCommand.put("a", utf8("1"), 1).encode();
    assertThatThrownBy(() -> kv.sm.apply(0, command)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedQueryThrowsIllegalArgument() {
    assertThatThrownBy(() -> kv.sm.query(new byte[] {1, 0x11, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed query");
    // A command is not a query: tags differ by kind.
    assertThatThrownBy(() -> kv.sm.query(KvCommand.delete("a", 1).encode()))
        .isInstanceOf(KvFormatException.class);
  }

  @Test
  void queriesChangeNothing() {
    kv.put("a", "1");
    long before = kv.sm.stateHash();
    kv.get("a");
    kv.scan("", 10);
    assertThat(kv.sm.stateHash()).isEqualTo(before);
  }

  @Test
  void theStateHashQueryAnswersTheStateHashAndChangesWithTheState() {
    kv.put("a", "1");
    long first = kv.stateHashByQuery();
    assertThat(first).isEqualTo(kv.sm.stateHash());
    assertThat(kv.sm.stateHash()).as("the query changed nothing").isEqualTo(first);
    kv.put("a", "2");
    assertThat(kv.stateHashByQuery()).isEqualTo(kv.sm.stateHash()).isNotEqualTo(first);
  }
}
