/**
 * The key-value state on disk ({@code kv.state=mapdb}): immutable MapDB layer files under an in-heap
 * overlay, snapshots that are manifests naming the layers, a background merger, and snapshots sent to
 * followers as a bundle of the files, read and written by offset. Decision 0014 gives the design and
 * its invariants.
 */
package io.bellwether.storage.mapdb.kv;
