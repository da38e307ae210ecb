/**
 * In-memory parts that let {@code core} run alone and make tests fast: {@link
 * io.bellwether.core.inmem.InMemoryLogStore} (with crash simulation), {@link
 * io.bellwether.core.inmem.InMemoryNetwork} and its {@link io.bellwether.core.inmem.InMemoryTransport}
 * (with per-link faults), and {@link io.bellwether.core.inmem.StaticDiscovery}. Their providers are
 * registered as {@code inmem} (storage, transport) and {@code static} (discovery).
 */
package io.bellwether.core.inmem;
