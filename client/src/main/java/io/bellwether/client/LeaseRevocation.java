package io.bellwether.client;

/**
 * The answer to a revocation.
 *
 * @param revoked false: there was no such lease (it expired, was revoked, or never was); nothing changed
 * @param index the log index of the revocation
 * @param keysDeleted how many keys went with it
 */
public record LeaseRevocation(long id, boolean revoked, long index, long keysDeleted) {}
