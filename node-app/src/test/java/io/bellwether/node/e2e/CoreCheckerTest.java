package io.bellwether.node.e2e;

// Goal: the bridge to core's checker really checks: a stale read is caught, a correct history passes.
// Method: two hand-written histories in the shape the clients record, through CoreChecker.

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.lin.Op.F;
import org.junit.jupiter.api.Test;

class CoreCheckerTest {

  @Test
  void aReadOfAnOverwrittenValueIsNotLinearizable() throws Exception {
    ClientHistory h = new ClientHistory();
    h.invoke(0, F.WRITE, "k", "a", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(0, F.WRITE, "k", "b", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(1, F.READ, "k", null, null);
    h.ok(1, F.READ, "k", "a", "n2");

    assertThat(CoreChecker.check(h.history()).outcome()).isEqualTo("NOT_LINEARIZABLE");
  }

  @Test
  void casAndAnUnknownWriteCanBeLinearized() throws Exception {
    ClientHistory h = new ClientHistory();
    h.invoke(0, F.WRITE, "k", "a", null);
    h.ok(0, F.WRITE, "k", null, "n1");
    h.invoke(1, F.WRITE, "k", "x", null);
    h.info(1, F.WRITE, "k", "504");
    h.invoke(2, F.CAS, "k", "b", "a");
    h.ok(2, F.CAS, "k", null, "n1");
    h.invoke(3, F.READ, "k", null, null);
    h.ok(3, F.READ, "k", "x", "n3");

    assertThat(CoreChecker.check(h.history()).linearizable()).isTrue();
  }
}
