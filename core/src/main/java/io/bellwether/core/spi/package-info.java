/**
 * The service provider interfaces every Bellwether module implements: {@link
 * io.bellwether.core.spi.Transport}, {@link io.bellwether.core.spi.LogStore}, {@link
 * io.bellwether.core.spi.Discovery} and {@link io.bellwether.core.spi.StateMachine}, plus the
 * providers that build them by name. Each method's Javadoc is its contract: which thread calls it,
 * whether it may block or throw, and what holds when it returns. The contract suites of the test kit
 * ({@code bellwether-testkit}) check implementations against these texts.
 */
package io.bellwether.core.spi;
