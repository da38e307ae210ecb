package io.bellwether.bench.load;

/** Told about every completed operation, on the worker's thread; must be cheap and thread-safe. */
interface OpListener {

  OpListener NONE = (read, sent, done, endpoint, outcome) -> { };

  void completed(boolean read, long sentNanos, long doneNanos, Endpoint endpoint, Outcome outcome);
}
