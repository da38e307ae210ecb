package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

// Goal: every request a client thread hands over is answered exactly once, also when the node stops
// while the client is between its check that the node runs and its offer to the inbox.
// Method: the handoff alone, with an inbox that holds the client inside offer() while the test plays
// the node thread stopping (flag down, inbox drained for the last time), then lets the offer land.
class RequestHandoffTest {

  private static final long DEADLINE_SECONDS = 10;

  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private final List<String> rejected = new ArrayList<>();
  private final Consumer<String> rejectUnhandled = request -> rejected.add(request);

  /** An inbox whose offer() waits, before it adds, until the test lets it go on. */
  private static final class HeldInbox extends ArrayBlockingQueue<String> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldInbox() {
      super(16);
    }

    @Override
    public boolean offer(String e) {
      entered.countDown();
      try {
        release.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      return super.offer(e);
    }
  }

  @Test
  void aRequestThatLandsAfterTheNodeStoppedIsTakenBackAndAnswered() throws Exception {
    HeldInbox inbox = new HeldInbox();
    CompletableFuture<Object> future = new CompletableFuture<>();
    Thread client = new Thread(() ->
        RequestHandoff.offer(inbox, accepting::get, "n1", "late", future, rejectUnhandled));
    client.start();
    assertThat(inbox.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();

    // The node stops: no more requests, and its thread fails what the inbox holds, for the last time.
    accepting.set(false);
    List<String> drained = new ArrayList<>();
    inbox.drainTo(drained);
    assertThat(drained).as("the late request is not in the inbox yet").isEmpty();

    inbox.release.countDown();
    client.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
    assertThat(rejected).as("taken back and answered once: nobody else ever would").containsExactly("late");
    assertThat(inbox).as("and not left in the inbox").isEmpty();
  }

  @Test
  void aRequestTheNodeThreadAlreadyTookIsLeftForItToAnswer() {
    List<String> takenByNodeThread = new ArrayList<>();
    ArrayBlockingQueue<String> inbox = new ArrayBlockingQueue<>(16) {
      @Override
      public boolean offer(String e) {
        boolean added = super.offer(e);
        // Right after the offer the node thread polls the request, then stops.
        takenByNodeThread.add(poll());
        accepting.set(false);
        return added;
      }
    };
    CompletableFuture<Object> future = new CompletableFuture<>();
    RequestHandoff.offer(inbox, accepting::get, "n1", "taken", future, rejectUnhandled);
    assertThat(takenByNodeThread).containsExactly("taken");
    assertThat(rejected).as("the node thread answers it; rejecting it too would answer twice").isEmpty();
    assertThat(future).isNotDone();
  }

  @Test
  void aStoppedNodeOrAFullInboxAnswersAtOnceAndCertainly() {
    ArrayBlockingQueue<String> inbox = new ArrayBlockingQueue<>(1);
    CompletableFuture<Object> first = new CompletableFuture<>();
    RequestHandoff.offer(inbox, accepting::get, "n1", "first", first, rejectUnhandled);
    assertThat(first).isNotDone();

    CompletableFuture<Object> second = new CompletableFuture<>();
    RequestHandoff.offer(inbox, accepting::get, "n1", "second", second, rejectUnhandled);
    assertThat(reasonOf(second)).isEqualTo(Reason.OVERLOADED);

    accepting.set(false);
    CompletableFuture<Object> third = new CompletableFuture<>();
    RequestHandoff.offer(inbox, accepting::get, "n1", "third", third, rejectUnhandled);
    assertThat(reasonOf(third)).isEqualTo(Reason.SHUTTING_DOWN);
    assertThat(inbox).containsExactly("first");
    assertThat(rejected).isEmpty();
  }

  private static Reason reasonOf(CompletableFuture<?> f) {
    Throwable t = f.handle((v, e) -> e).join();
    return t instanceof RequestFailedException r ? r.reason() : null;
  }
}
