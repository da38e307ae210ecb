/**
 * Coordination recipes on {@link io.bellwether.client.BellwetherClient}'s leases and watches: {@link
 * io.bellwether.client.recipes.DistributedLock} and {@link io.bellwether.client.recipes.LeaderElection}.
 */
package io.bellwether.client.recipes;
