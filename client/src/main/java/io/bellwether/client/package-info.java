/**
 * A Java client of a Bellwether cluster's HTTP API: {@link io.bellwether.client.BellwetherClient}.
 * Depends on the JDK's {@code java.net.http}, Jackson and the SLF4J API only.
 */
package io.bellwether.client;
