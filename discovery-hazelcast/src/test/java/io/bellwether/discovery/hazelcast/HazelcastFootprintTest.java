package io.bellwether.discovery.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

// Goal: measure what one embedded member costs (start-up time, heap, threads), and prove starting
// members is quiet: no Hazelcast warning and phone-home off. Method: start three members one after
// another in this JVM, recording Hazelcast's log events and the heap after a full GC around each start.
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HazelcastFootprintTest {

  private final HazelcastMembers members = new HazelcastMembers();
  private final Logger hazelcastLog = (Logger) LoggerFactory.getLogger("com.hazelcast");
  private final ListAppender<ILoggingEvent> hazelcastEvents = new ListAppender<>();

  @AfterEach
  void closeMembers() {
    hazelcastLog.detachAppender(hazelcastEvents);
    members.close();
  }

  @Test
  void threeMembersStartQuietlyAndTheirCostIsPrinted() {
    hazelcastEvents.start();
    hazelcastLog.addAppender(hazelcastEvents);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<HazelcastDiscovery> started = new ArrayList<>();

    for (String nodeId : List.of("n1", "n2", "n3")) {
      long heapBefore = usedHeapAfterGc();
      int threadsBefore = threads.getThreadCount();
      long startNanos = System.nanoTime();
      started.add(members.start(nodeId));
      long startMillis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
      long heapKib = (usedHeapAfterGc() - heapBefore) / 1024;
      System.out.printf("hazelcast member %s: start %d ms, heap +%d KiB, threads +%d%n",
          nodeId, startMillis, heapKib, threads.getThreadCount() - threadsBefore);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> started.stream().allMatch(d -> d.peers().size() == 3));

    assertThat(hazelcastEvents.list)
        .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
    assertThat(started.get(0).member().getConfig().getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
