package io.bellwether.core.engine;

import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.Membership;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster configurations a node's log holds (thesis §4.1): the one in effect where the log
 * starts (from the snapshot, or the bootstrap), and one per configuration entry after it. A node
 * uses the newest, {@link #latest()}, whether committed or not: a configuration takes effect when
 * appended. When a follower's log is truncated the entries go, and with them their
 * configurations, so the node falls back to the one before (§4.1: "a log entry for a configuration
 * change can be removed").
 *
 * <p>{@link RaftLog} keeps this in step with every append, truncation, compaction and installed
 * snapshot, so no other part of the engine can forget to.
 */
final class Configurations {

  /** The configuration in effect at the start of the held log. */
  private Membership base;

  /** Configurations set by entries still in the log, oldest first. */
  private final List<Membership> inLog = new ArrayList<>();

  Configurations(Membership base) {
    this.base = base;
  }

  /** The newest configuration: the one in effect on this node now. */
  Membership latest() {
    return inLog.isEmpty() ? base : inLog.get(inLog.size() - 1);
  }

  /**
   * The configuration in effect once the entry at {@code index} is applied: what a snapshot up to
   * {@code index} must carry.
   */
  Membership at(long index) {
    for (int i = inLog.size() - 1; i >= 0; i--) {
      if (inLog.get(i).index() <= index) return inLog.get(i);
    }
    return base;
  }

  /** Whether a configuration entry sits after {@code index} (not yet committed if that is the commit index). */
  boolean changeAfter(long index) {
    return !inLog.isEmpty() && inLog.get(inLog.size() - 1).index() > index;
  }

  void appended(LogEntry e) {
    if (e.type() != EntryType.CONFIG) return;
    Membership m;
    try {
      m = MembershipCodec.decode(e.data());
    } catch (CodecException ex) {
      // Only a leader writes configuration entries, and the frame's checksum held: a bug, not input.
      throw new IllegalStateException("configuration entry " + e + " does not decode", ex);
    }
    if (m.index() != e.index()) {
      throw new IllegalStateException("configuration entry " + e + " claims index " + m.index());
    }
    inLog.add(m);
  }

  /** Entries from {@code index} on were removed. */
  void truncatedFrom(long index) {
    inLog.removeIf(m -> m.index() >= index);
  }

  /** Entries up to {@code index} were compacted away: their configurations fold into the base. */
  void compactedTo(long index) {
    while (!inLog.isEmpty() && inLog.get(0).index() <= index) base = inLog.remove(0);
  }

  /**
   * A snapshot up to {@code index} replaced the log up to there: {@code membership} is in effect
   * there, and configurations of entries kept after it still follow. A null membership (a snapshot
   * stored before configurations were) leaves the base as it was.
   */
  void installed(long index, Membership membership) {
    compactedTo(index);
    if (membership != null) base = membership;
  }
}
