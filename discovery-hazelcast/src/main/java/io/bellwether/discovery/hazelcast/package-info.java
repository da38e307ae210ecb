/**
 * Peer discovery from Hazelcast cluster membership: each node embeds one Hazelcast member that joins
 * by TCP-IP on configured seeds and publishes the node's addresses as member attributes. Hazelcast
 * says where peers are, never who votes.
 */
package io.bellwether.discovery.hazelcast;
