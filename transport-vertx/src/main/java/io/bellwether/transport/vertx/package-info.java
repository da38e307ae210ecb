/**
 * Placeholder: this module is filled by its own issue (see `issues`). It compiles so the reactor builds end to end.
 */
package io.bellwether.transport.vertx;
