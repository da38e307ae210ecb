package io.bellwether.client;

/**
 * The result of {@link BellwetherClient#compareAndSet}.
 *
 * @param matched whether the key was at the expected version, so the value was written
 * @param version when matched: the key's new version; otherwise 0
 * @param currentVersion when not matched: the key's version at the check (0: absent); otherwise equal
 *     to {@code version}
 * @param index when matched: the log index of the write; otherwise 0
 */
public record CasResult(String key, boolean matched, long version, long currentVersion, long index, String node,
    long appliedIndex) {}
