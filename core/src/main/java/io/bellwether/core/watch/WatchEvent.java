package io.bellwether.core.watch;

import io.bellwether.core.kv.KvChange;

/**
 * One change as a watcher receives it.
 *
 * @param index the log index of the entry that made the change
 * @param change the key, its new value or its deletion
 * @param after the position just after this change: its {@link WatchPosition#eventId} is the event's
 *     id, and resuming there delivers what follows it
 */
public record WatchEvent(long index, KvChange change, WatchPosition after) {}
