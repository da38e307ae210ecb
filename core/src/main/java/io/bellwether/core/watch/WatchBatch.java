package io.bellwether.core.watch;

import java.util.List;

/**
 * What one {@link Watcher#poll} found.
 *
 * @param events changes in log order, possibly none
 * @param position where the watcher stands after them: past every change it was shown, and past every
 *     entry applied so far when {@code caughtUp}
 * @param caughtUp whether the watcher has seen everything this node applied
 * @param closed why the node dropped this watcher, or null while it is open; when set, {@code events}
 *     still holds what came before and the watcher gets nothing more
 */
public record WatchBatch(List<WatchEvent> events, WatchPosition position, boolean caughtUp, WatchClosed closed) {}
