/**
 * The node-to-node {@link io.bellwether.core.spi.Transport} over TCP with Vert.x: one long-lived
 * outbound connection per peer (Single Socket Channel), a handshake that names the cluster and both
 * nodes, length-prefixed frames carrying core's {@link io.bellwether.core.codec.MessageCodec}. The
 * module's README describes the wire format, the limits and what happens on bad input.
 */
package io.bellwether.transport.vertx;
