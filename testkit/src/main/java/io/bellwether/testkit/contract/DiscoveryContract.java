package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Goal: prove a Discovery knows this node's own address, answers lookups without blocking, and tells its listener.
// Method: start one discovery announcing a known address, then query it and record what its listener hears.
/**
 * The contract every {@link Discovery} must pass. A module extends it and builds an unstarted
 * discovery announcing a given address in {@link #newDiscovery(PeerAddress)}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class DiscoveryContract {

  private final List<Discovery> opened = new ArrayList<>();

  /** An unstarted discovery for node {@code self.nodeId()}, announcing {@code self}. */
  protected abstract Discovery newDiscovery(PeerAddress self);

  /** The address the tests announce; override when the module needs real, free ports. */
  protected PeerAddress selfAddress() {
    return new PeerAddress("n1", new Endpoint("127.0.0.1", 7001), new Endpoint("127.0.0.1", 8001));
  }

  /** How long a test may wait for the listener to hear. */
  protected Duration listenerDeadline() {
    return Duration.ofSeconds(30);
  }

  @AfterEach
  void closeDiscoveries() {
    opened.forEach(Discovery::close);
  }

  @Test
  void lookupFindsThisNode() {
    PeerAddress self = selfAddress();
    Discovery discovery = started(self);

    assertThat(discovery.lookup(self.nodeId())).contains(self);
  }

  @Test
  void peersIncludeThisNodeAndCannotBeChanged() {
    PeerAddress self = selfAddress();
    Discovery discovery = started(self);

    Map<String, PeerAddress> peers = discovery.peers();

    assertThat(peers).containsEntry(self.nodeId(), self);
    assertThatThrownBy(() -> peers.put("intruder", self)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void lookupOfAnUnknownNodeIsEmpty() {
    Discovery discovery = started(selfAddress());

    assertThat(discovery.lookup("no-such-node")).isEmpty();
  }

  @Test
  void listenerHearsAViewContainingThisNode() {
    PeerAddress self = selfAddress();
    List<Map<String, PeerAddress>> views = new CopyOnWriteArrayList<>();
    Discovery discovery = track(newDiscovery(self));

    discovery.start(views::add);

    await("listener hears this node")
        .atMost(listenerDeadline())
        .until(() -> views.stream().anyMatch(view -> self.equals(view.get(self.nodeId()))));
  }

  @Test
  void closeIsIdempotent() {
    Discovery discovery = started(selfAddress());

    discovery.close();

    assertThatCode(discovery::close).doesNotThrowAnyException();
  }

  /** A started discovery announcing {@code self}, closed after the test. */
  protected final Discovery started(PeerAddress self) {
    Discovery discovery = track(newDiscovery(self));
    discovery.start(peers -> {});
    return discovery;
  }

  private Discovery track(Discovery discovery) {
    opened.add(discovery);
    return discovery;
  }
}
