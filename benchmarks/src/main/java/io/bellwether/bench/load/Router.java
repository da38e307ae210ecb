package io.bellwether.bench.load;

import java.util.ArrayList;
import java.util.List;

/** Picks the endpoint for a worker's next request from its {@link Placement}. */
final class Router {

  private final List<Endpoint> endpoints;
  private final LeaderTracker tracker;
  private volatile Endpoint excluded;

  Router(List<Endpoint> endpoints, LeaderTracker tracker) {
    this.endpoints = endpoints;
    this.tracker = tracker;
  }

  /** For {@link Placement#SURVIVORS}: the member that is (to be) killed. */
  void exclude(Endpoint endpoint) {
    this.excluded = endpoint;
  }

  Endpoint pick(Placement placement, int worker) {
    return switch (placement) {
      case LEADER -> {
        Endpoint leader = tracker.current();
        yield leader != null ? leader : endpoints.get(0);
      }
      case ALL -> endpoints.get(worker % endpoints.size());
      case FIRST -> endpoints.get(0);
      case FOLLOWERS -> roundRobinExcept(tracker.current(), worker);
      case SURVIVORS -> roundRobinExcept(excluded, worker);
    };
  }

  private Endpoint roundRobinExcept(Endpoint skip, int worker) {
    if (skip == null) return endpoints.get(worker % endpoints.size());
    List<Endpoint> others = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      if (!e.equals(skip)) others.add(e);
    }
    return others.isEmpty() ? skip : others.get(worker % others.size());
  }
}
