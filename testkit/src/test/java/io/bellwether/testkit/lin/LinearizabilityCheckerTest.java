package io.bellwether.testkit.lin;

// Goal: the checker accepts every history a linearizable register store may produce and rejects the
// classic violations. Method: small hand-written histories with explicit times, one behaviour each.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.testkit.lin.LinearizabilityChecker.Budget;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearizabilityCheckerTest {

  private final History history = new History();

  // --- Linearizable ---------------------------------------------------------------------------

  @Test
  void sequentialHistoryIsLinearizable() {
    read(1, "x", null, 0, 1);
    write(1, "x", "a", 2, 3);
    read(1, "x", "a", 4, 5);
    cas(1, "x", "a", "b", 6, 7);
    read(1, "x", "b", 8, 9);
    delete(1, "x", 10, 11);
    read(1, "x", null, 12, 13);
    cas(1, "x", null, "c", 14, 15);
    read(1, "x", "c", 16, 17);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.isLinearizable()).as(result.toString()).isTrue();
    assertThat(result.operationsChecked()).isEqualTo(9);
    assertThat(result.key()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "b"})
  void readOverlappingAWriteMaySeeTheOldOrTheNewValue(String seen) {
    write(1, "x", "a", 0, 1);
    write(2, "x", "b", 10, 20);
    read(3, "x", seen, 12, 18);

    assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
  }

  @Test
  void concurrentReadsMaySeeTheNewValueThenTheOld() {
    // Both reads overlap the write and each other: the new read can come first.
    write(1, "x", "a", 0, 1);
    write(2, "x", "b", 10, 40);
    read(3, "x", "b", 11, 30);
    read(4, "x", "a", 12, 31);

    assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
  }

  @Test
  void infoWriteMayTakeEffectLongAfterItsClientGaveUp() {
    write(1, "x", "a", 0, 1);
    history.add(Op.invokeWrite(2, "x", "b", 10));
    history.add(Op.info(2, Op.F.WRITE, "x", 20, "timeout"));
    read(3, "x", "a", 30, 40);
    read(3, "x", "b", 1_000, 1_010);

    assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
  }

  @Test
  void infoWriteMayNeverTakeEffect() {
    write(1, "x", "a", 0, 1);
    history.add(Op.invokeWrite(2, "x", "b", 10));
    history.add(Op.info(2, Op.F.WRITE, "x", 20, "timeout"));
    history.add(Op.invokeCas(3, "x", "a", "c", 11)); // never completes: treated as info
    read(4, "x", "a", 30, 40);
    read(4, "x", "a", 1_000, 1_010);

    assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
  }

  @Test
  void failedOperationsAreIgnored() {
    write(1, "x", "a", 0, 1);
    history.add(Op.invokeWrite(2, "x", "b", 2));
    history.add(Op.fail(2, Op.F.WRITE, "x", 3, "not leader"));
    history.add(Op.invokeCas(2, "x", "a", "c", 4));
    history.add(Op.fail(2, Op.F.CAS, "x", 5, "expected value not found"));
    read(1, "x", "a", 6, 7);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.isLinearizable()).isTrue();
    assertThat(result.operationsChecked()).isEqualTo(2);
  }

  @Test
  void keysAreCheckedIndependently() {
    // On one register this would be a stale read; on two keys each history is fine.
    write(1, "x", "a", 0, 1);
    write(2, "y", "b", 2, 3);
    read(3, "x", "a", 4, 5);
    read(3, "z", null, 6, 7);
    cas(1, "y", "b", "c", 8, 9);
    read(2, "y", "c", 10, 11);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.isLinearizable()).isTrue();
    assertThat(result.keysChecked()).isEqualTo(3);
  }

  // --- Not linearizable -----------------------------------------------------------------------

  @Test
  void staleReadIsNotLinearizable() {
    write(1, "x", "a", 0, 1);
    write(1, "x", "b", 2, 3);
    history.add(Op.invokeRead(2, "x", 4).withNode("n3"));
    history.add(Op.ok(2, Op.F.READ, "x", "a", 5).withNode("n3"));

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.outcome()).isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(result.key()).isEqualTo("x");
    assertThat(result.failedOp().invoke().f()).isEqualTo(Op.F.READ);
    assertThat(result.failedOp().completion().value()).isEqualTo("a");
    assertThat(result.longestPrefix()).extracting(op -> op.invoke().value()).containsExactly("a", "b");
    assertThat(result.stateAfterPrefix()).isEqualTo("b");
    assertThat(result.toString()).contains("key 'x'", "p2 read x -> 'a'", "on n3");
  }

  @Test
  void lostAcknowledgedWriteIsNotLinearizable() {
    read(1, "x", null, 0, 1);
    write(2, "x", "a", 2, 3);
    read(3, "x", null, 4, 5);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.outcome()).isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(result.failedOp().invoke().process()).isEqualTo(3);
  }

  @Test
  void twoSuccessfulCasFromTheSameExpectedValueAreNotLinearizable() {
    write(1, "x", "a", 0, 1);
    cas(2, "x", "a", "b", 2, 10);
    cas(3, "x", "a", "c", 3, 11);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.outcome()).isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(result.failedOp().invoke().f()).isEqualTo(Op.F.CAS);
  }

  @Test
  void readOfAValueNeverWrittenIsNotLinearizable() {
    write(1, "x", "a", 0, 1);
    read(2, "x", "ghost", 2, 3);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.outcome()).isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(result.failedOp().completion().value()).isEqualTo("ghost");
  }

  @Test
  void readOfADeletedKeysOldValueIsNotLinearizable() {
    write(1, "x", "a", 0, 1);
    delete(1, "x", 2, 3);
    read(2, "x", "a", 4, 5);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.outcome()).isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(result.stateAfterPrefix()).isNull();
  }

  @Test
  void infoWriteCannotTakeEffectBeforeItWasInvoked() {
    read(1, "x", "b", 0, 1);
    history.add(Op.invokeWrite(2, "x", "b", 5));
    history.add(Op.info(2, Op.F.WRITE, "x", 6, "timeout"));

    assertThat(LinearizabilityChecker.check(history).outcome())
        .isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
  }

  @Test
  void violationOnOneKeyIsFoundAmongCorrectKeys() {
    write(1, "a", "1", 0, 1);
    read(1, "a", "1", 2, 3);
    write(2, "b", "1", 0, 1);
    write(2, "b", "2", 2, 3);
    read(3, "b", "1", 4, 5);
    write(4, "c", "1", 0, 1);

    Result result = LinearizabilityChecker.check(history);

    assertThat(result.outcome()).isEqualTo(Result.Outcome.NOT_LINEARIZABLE);
    assertThat(result.key()).isEqualTo("b");
  }

  // --- Bounds and malformed histories ---------------------------------------------------------

  @Test
  void searchThatRunsOutOfStepsReportsUnknown() {
    History generated = RegisterSimulation.generate(7, 2_000, 2, 6, 0.02);

    Result result = LinearizabilityChecker.check(generated, new Budget(50, Duration.ofMinutes(1)));

    assertThat(result.outcome()).isEqualTo(Result.Outcome.UNKNOWN);
    assertThat(result.isLinearizable()).isFalse();
    assertThat(result.key()).isEqualTo("k0");
    assertThat(result.toString()).contains("UNKNOWN", "50 steps");
  }

  @Test
  void secondInvocationByAWaitingProcessIsRejected() {
    history.add(Op.invokeWrite(1, "x", "a", 0));
    history.add(Op.invokeRead(1, "x", 1));

    assertThatThrownBy(() -> LinearizabilityChecker.check(history))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("new process id");
  }

  @Test
  void completionWithoutInvocationIsRejected() {
    history.add(Op.ok(1, Op.F.READ, "x", null, 0));

    assertThatThrownBy(() -> LinearizabilityChecker.check(history))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without invocation");
  }

  // --- History helpers: an invocation and its OK completion ------------------------------------

  private void read(int process, String key, String returned, long invokedAt, long okAt) {
    history.add(Op.invokeRead(process, key, invokedAt));
    history.add(Op.ok(process, Op.F.READ, key, returned, okAt));
  }

  private void write(int process, String key, String value, long invokedAt, long okAt) {
    history.add(Op.invokeWrite(process, key, value, invokedAt));
    history.add(Op.ok(process, Op.F.WRITE, key, value, okAt));
  }

  private void cas(int process, String key, String expected, String value, long invokedAt,
      long okAt) {
    history.add(Op.invokeCas(process, key, expected, value, invokedAt));
    history.add(Op.ok(process, Op.F.CAS, key, value, okAt));
  }

  private void delete(int process, String key, long invokedAt, long okAt) {
    history.add(Op.invokeDelete(process, key, invokedAt));
    history.add(Op.ok(process, Op.F.DELETE, key, null, okAt));
  }
}
