package io.bellwether.core.runtime;

import io.bellwether.core.spi.StateMachine;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A state machine that holds the node thread in {@code apply} until the test opens {@link #gate}
 * (and says so through {@link #entered}), counting applies: how the runtime tests stand the node
 * thread still at a known point.
 */
final class GatedStateMachine implements StateMachine {
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);
  final AtomicInteger applied = new AtomicInteger();

  @Override
  public byte[] apply(long index, byte[] command) {
    entered.countDown();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    applied.incrementAndGet();
    return new byte[0];
  }

  @Override
  public byte[] query(byte[] query) {
    return new byte[0];
  }

  @Override
  public byte[] snapshot() {
    return new byte[0];
  }

  @Override
  public void restore(long index, byte[] snapshot) {}
}
