/**
 * Bellwether's key-value store as a Raft state machine: {@link io.bellwether.core.kv.KvStateMachine}
 * applies {@link io.bellwether.core.kv.KvCommand}s (put, delete, compare-and-set on a version) and
 * answers {@link io.bellwether.core.kv.KvQuery}s (get, prefix scan). Commands, queries, results and
 * snapshots share one compact, versioned binary format; decoding checks every length before
 * allocating. {@link io.bellwether.core.kv.KvLimits} holds the limits the facade checks before
 * proposing.
 */
package io.bellwether.core.kv;
