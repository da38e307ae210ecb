/**
 * In-memory parts that let {@code core} run alone, several nodes in one JVM: {@link
 * io.bellwether.core.inmem.InMemoryLogStore}, and {@link io.bellwether.core.inmem.InMemoryNetwork}
 * with its {@link io.bellwether.core.inmem.InMemoryTransport}. Their providers are registered as
 * {@code inmem}. Nothing here survives the process. The test kit builds its crash-modelling store and
 * fault-injecting network on these.
 */
package io.bellwether.core.inmem;
