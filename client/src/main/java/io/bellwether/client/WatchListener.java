package io.bellwether.client;

/**
 * Receives a watch's events. Every method is called on the watch's own thread, one call at a time, in
 * order: a listener needs no locking of its own, and a slow one slows its watch (the node then ends
 * the stream as a slow consumer, and the watch resumes it without a gap).
 */
public interface WatchListener {

  /**
   * One change, each exactly once, in log order. An exception thrown here ends the watch, with {@link
   * #onError} (the event counts as not delivered: {@link Watch#lastEventId()} stays before it).
   */
  void onEvent(WatchEvent event);

  /**
   * Changes the watch had not delivered are gone from the node's history: read the state again, then
   * watch from the index it was read at + 1. The watch has ended.
   *
   * @param oldestIndex the oldest index the node can still stream from; 0 when it did not say
   */
  default void onCompacted(long oldestIndex) {}

  /**
   * The watch ended on a failure another attempt would meet again (400, 401, 403, 404: a bad request, a
   * missing token or role), or because {@link #onEvent} threw. Not called when {@link Watch#close()}
   * ended it.
   */
  default void onError(Throwable error) {}
}
