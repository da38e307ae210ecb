/**
 * A durable {@link io.bellwether.core.spi.LogStore} on MapDB 3.1.0 that survives kill -9: two MapDB
 * copies written one after the other, a checksummed control file that names the copy in flight, and
 * per-entry CRC32C checksums. See the module README for the guarantees and how they were verified.
 */
package io.bellwether.storage.mapdb;
