/**
 * Discovery from a fixed list of peers ({@link io.bellwether.core.discovery.StaticDiscovery}): the
 * production default, registered as {@code static}, for clusters whose addresses are known up front.
 */
package io.bellwether.core.discovery;
