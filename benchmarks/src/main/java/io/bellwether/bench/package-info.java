/**
 * JMH benchmarks of Bellwether's components: the message codec, the Raft engine in a synchronous
 * 3-node cluster with no I/O, each log store's append and sync against the raw disk, the Vert.x
 * transport's round trip on loopback, and the key-value state machine.
 *
 * <p>Built into {@code target/bellwether-benchmarks.jar} (main class {@code org.openjdk.jmh.Main});
 * {@code docs/BENCHMARKS.md} gives the commands, the settings and the figures.
 */
package io.bellwether.bench;
