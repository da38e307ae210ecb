/**
 * A durable {@link io.bellwether.core.spi.LogStore} that survives kill -9: an append-only segment log
 * (one frame, one write and one {@code fdatasync} per sync) for the log and hard state, and MapDB for
 * snapshots. See the module README for the guarantees and how they were verified.
 */
package io.bellwether.storage.mapdb;
