package io.bellwether.node.membership;

import io.bellwether.core.Membership;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.node.membership.ClusterClient.Answer;
import io.bellwether.node.security.ClusterCredentials;
import io.bellwether.node.membership.Retries.Step;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code membership.join.promote} ({@code --promote}): a learner that asks to become a voter once it
 * has caught up, on a thread of its own, and keeps asking until it is one or the node stops.
 *
 * <p>It has no deadline, unlike joining: catching up may take a while (a snapshot first, when the
 * leader compacted its log), and a learner is a working node meanwhile (it serves reads). It asks
 * only when its own status says it could pass (a leader known, everything it knows committed
 * applied), so it does not load the leader with refusals; the leader still judges the lag itself and
 * answers 409 {@code NOT_CAUGHT_UP} until it is within {@code membership.promotion.max.lag}. It asks
 * the join URLs and its own HTTP API in turn: the API forwards to the leader it follows, which
 * helps when every node it joined through has gone since. It gives up (with a WARN) only on an answer
 * that cannot change: this node is not a member any more, or the request was refused as malformed.
 */
public final class Promoter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Promoter.class);

  private final String selfId;
  private final Supplier<NodeStatus> status;
  private final List<URI> urls;
  private final ClusterClient client;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param joinUrls the cluster's nodes ({@code membership.join})
   * @param ownApi this node's own HTTP API
   */
  public Promoter(String selfId, Supplier<NodeStatus> status, List<URI> joinUrls, URI ownApi, Duration requestTimeout) {
    this(selfId, status, joinUrls, ownApi, requestTimeout, ClusterCredentials.NONE);
  }

  /** @param credentials HTTPS and the token this node presents (see {@link Joiner}) */
  public Promoter(String selfId, Supplier<NodeStatus> status, List<URI> joinUrls, URI ownApi, Duration requestTimeout,
      ClusterCredentials credentials) {
    this.selfId = selfId;
    this.status = status;
    this.urls = new ArrayList<>(joinUrls);
    this.urls.add(ownApi);
    this.client = new ClusterClient(requestTimeout.plusSeconds(2), credentials);
    this.thread = new Thread(this::run, "bellwether-promote-" + selfId);
    this.thread.setDaemon(true);
  }

  /** Starts asking, on its own thread. */
  public Promoter start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      Membership done = Retries.until("promoting " + selfId + " to voter", urls, null, () -> closed, this::attempt);
      LOG.info("node {} is a voter: configuration {} voters={} learners={}", selfId, done.index(), done.voters(),
          done.learners());
    } catch (JoinException e) {
      LOG.warn("node {} stays a learner: {}; promote it with bellwether member promote {}", selfId, e.getMessage(),
          selfId);
    } catch (InterruptedException e) {
      LOG.debug("node {} stopped asking to be promoted", selfId);
    }
  }

  private Step<Membership> attempt(URI node) throws java.io.IOException, InterruptedException {
    NodeStatus s = status.get();
    Membership m = s.membership();
    if (m.isVoter(selfId)) return Step.done(m);
    if (s.failure() != null) return Step.fatal("the node stopped: " + s.failure());
    // Not running yet counts as not caught up: a status published before the node thread's first
    // pass says "not running" even though it has started.
    if (!m.members().isEmpty() && !m.contains(selfId)) return Step.fatal("this node is not a member any more");
    if (!s.running() || m.members().isEmpty() || s.leader() == null || s.appliedIndex() < s.commitIndex()) {
      return Step.retry("not caught up here yet (applied " + s.appliedIndex() + " of " + s.commitIndex()
          + ", leader " + s.leader() + ")");
    }
    Answer a = client.post(node, "/v1/members/" + selfId + "/promote", new JsonObject());
    if (a.status() == 200 && a.body() != null) {
      try {
        Membership answered = MembershipJson.fromJson(a.body());
        if (answered.isVoter(selfId)) return Step.done(answered);
      } catch (RuntimeException unreadable) {
        // not the API's answer: ask again
      }
      return Step.retry(a.describe());
    }
    if (a.status() == 400 || "NOT_A_MEMBER".equals(a.error())) return Step.fatal(a.describe());
    return Step.retry(a.describe());
  }

  /** Stops asking; returns at once (the thread ends at its next pause). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
