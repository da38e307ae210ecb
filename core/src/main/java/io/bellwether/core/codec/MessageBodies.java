package io.bellwether.core.codec;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.Membership;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.message.TimeoutNow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The type code and the body (the fields after from, to and term, in record order) of each message.
 * Each type's writer and reader sit next to each other, so its format is read in one place.
 *
 * <p>Terms and indexes are never negative; {@code readSeq} and {@code requestId} are opaque to the
 * codec and may take any value. The writer refuses what the reader would reject, so whatever encodes
 * also decodes.
 */
final class MessageBodies {

  // Wire codes: never renumber, only add.
  static final byte REQUEST_VOTE = 1;
  static final byte REQUEST_VOTE_RESPONSE = 2;
  static final byte APPEND_ENTRIES = 3;
  static final byte APPEND_ENTRIES_RESPONSE = 4;
  static final byte HEARTBEAT = 5;
  static final byte HEARTBEAT_RESPONSE = 6;
  static final byte READ_INDEX_REQUEST = 7;
  static final byte READ_INDEX_RESPONSE = 8;
  static final byte INSTALL_SNAPSHOT = 9;
  static final byte INSTALL_SNAPSHOT_RESPONSE = 10;
  static final byte TIMEOUT_NOW = 11;

  private MessageBodies() {}

  static boolean isKnownType(byte code) {
    return code >= REQUEST_VOTE && code <= TIMEOUT_NOW; // codes are contiguous
  }

  static byte typeCode(Message m) {
    if (m instanceof RequestVote) return REQUEST_VOTE;
    if (m instanceof RequestVoteResponse) return REQUEST_VOTE_RESPONSE;
    if (m instanceof AppendEntries) return APPEND_ENTRIES;
    if (m instanceof AppendEntriesResponse) return APPEND_ENTRIES_RESPONSE;
    if (m instanceof Heartbeat) return HEARTBEAT;
    if (m instanceof HeartbeatResponse) return HEARTBEAT_RESPONSE;
    if (m instanceof ReadIndexRequest) return READ_INDEX_REQUEST;
    if (m instanceof ReadIndexResponse) return READ_INDEX_RESPONSE;
    if (m instanceof InstallSnapshot) return INSTALL_SNAPSHOT;
    if (m instanceof InstallSnapshotResponse) return INSTALL_SNAPSHOT_RESPONSE;
    if (m instanceof TimeoutNow) return TIMEOUT_NOW;
    throw new AssertionError("unhandled message type " + m.getClass()); // Message is sealed
  }

  /** Exact body size; a long, so a huge entry list cannot overflow before the limit check. */
  static long sizeBytes(Message m) {
    if (m instanceof RequestVote) return 8 + 8 + 1 + 1;
    if (m instanceof RequestVoteResponse) return 1 + 1;
    if (m instanceof AppendEntries a) {
      long size = 8 + 8 + 4 + 8;
      for (LogEntry e : a.entries()) size += EntryLayout.sizeBytes(e);
      return size;
    }
    if (m instanceof AppendEntriesResponse) return 1 + 8 + 8 + 8;
    if (m instanceof Heartbeat) return 8 + 8 + 8 + 4;
    if (m instanceof HeartbeatResponse) return 8 + 8 + 1;
    if (m instanceof ReadIndexRequest) return 8;
    if (m instanceof ReadIndexResponse) return 8 + 1 + 8;
    if (m instanceof InstallSnapshot s) {
      return 8 + 8 + 8 + 4 + 8 + 4 + (long) s.data().length + 4 + membershipBytes(s).length;
    }
    if (m instanceof InstallSnapshotResponse) return 8 + 8 + 1;
    if (m instanceof TimeoutNow) return 0;
    throw new AssertionError("unhandled message type " + m.getClass());
  }

  static void write(Message m, ByteBuffer out) {
    if (m instanceof RequestVote v) {
      putNonNegative(out, v.lastLogIndex(), "lastLogIndex");
      putNonNegative(out, v.lastLogTerm(), "lastLogTerm");
      putBoolean(out, v.preVote());
      putBoolean(out, v.transfer());
    } else if (m instanceof RequestVoteResponse v) {
      putBoolean(out, v.voteGranted());
      putBoolean(out, v.preVote());
    } else if (m instanceof AppendEntries a) {
      putNonNegative(out, a.prevLogIndex(), "prevLogIndex");
      putNonNegative(out, a.prevLogTerm(), "prevLogTerm");
      out.putInt(a.entries().size());
      for (LogEntry e : a.entries()) EntryLayout.write(e, out);
      putNonNegative(out, a.leaderCommit(), "leaderCommit");
    } else if (m instanceof AppendEntriesResponse a) {
      putBoolean(out, a.success());
      putNonNegative(out, a.matchIndex(), "matchIndex");
      putNonNegative(out, a.conflictIndex(), "conflictIndex");
      putNonNegative(out, a.conflictTerm(), "conflictTerm");
    } else if (m instanceof Heartbeat h) {
      putNonNegative(out, h.commitIndex(), "commitIndex");
      out.putLong(h.readSeq());
      out.putLong(h.tickMicros()); // the record holds it >= 1, and the reader checks the same
      out.putInt(h.electionTimeoutTicks());
    } else if (m instanceof HeartbeatResponse h) {
      out.putLong(h.readSeq());
      putNonNegative(out, h.lastIndex(), "lastIndex");
      putBoolean(out, h.promiseCoversLease());
    } else if (m instanceof ReadIndexRequest r) {
      out.putLong(r.requestId());
    } else if (m instanceof ReadIndexResponse r) {
      out.putLong(r.requestId());
      putBoolean(out, r.success());
      putNonNegative(out, r.readIndex(), "readIndex");
    } else if (m instanceof InstallSnapshot s) {
      putNonNegative(out, s.lastIndex(), "lastIndex");
      putNonNegative(out, s.lastTerm(), "lastTerm");
      putNonNegative(out, s.totalBytes(), "totalBytes");
      out.putInt(s.checksum());
      putNonNegative(out, s.offset(), "offset");
      out.putInt(s.data().length);
      out.put(s.data());
      byte[] membership = membershipBytes(s);
      out.putInt(membership.length);
      out.put(membership);
    } else if (m instanceof InstallSnapshotResponse s) {
      putNonNegative(out, s.lastIndex(), "lastIndex");
      putNonNegative(out, s.nextOffset(), "nextOffset");
      putBoolean(out, s.installed());
    } else if (m instanceof TimeoutNow) {
      // No body: who, to whom and the term are in the frame header.
    } else {
      throw new AssertionError("unhandled message type " + m.getClass());
    }
  }

  /** The body of a message of type {@code type}, which must be {@link #isKnownType known}. */
  static Message read(byte type, String from, String to, long term, FrameReader in) {
    switch (type) {
      case REQUEST_VOTE:
        return requestVote(from, to, term, in);
      case REQUEST_VOTE_RESPONSE:
        return new RequestVoteResponse(
            from, to, term, in.readBoolean("voteGranted"), in.readBoolean("preVote"));
      case APPEND_ENTRIES:
        return new AppendEntries(
            from, to, term, index(in, "prevLogIndex"), index(in, "prevLogTerm"), entries(in),
            index(in, "leaderCommit"));
      case APPEND_ENTRIES_RESPONSE:
        return new AppendEntriesResponse(
            from, to, term, in.readBoolean("success"), index(in, "matchIndex"),
            index(in, "conflictIndex"), index(in, "conflictTerm"));
      case HEARTBEAT:
        // The record refuses an election timeout below 2 ticks (decode reports it as a bad body).
        return new Heartbeat(from, to, term, index(in, "commitIndex"), in.readLong("readSeq"),
            in.readLongAtLeast(1, "tickMicros"), in.readInt("electionTimeoutTicks"));
      case HEARTBEAT_RESPONSE:
        return new HeartbeatResponse(from, to, term, in.readLong("readSeq"), index(in, "lastIndex"),
            in.readBoolean("promiseCoversLease"));
      case READ_INDEX_REQUEST:
        return new ReadIndexRequest(from, to, term, in.readLong("requestId"));
      case READ_INDEX_RESPONSE:
        return new ReadIndexResponse(
            from, to, term, in.readLong("requestId"), in.readBoolean("success"),
            index(in, "readIndex"));
      case INSTALL_SNAPSHOT:
        return new InstallSnapshot(
            from, to, term, index(in, "lastIndex"), index(in, "lastTerm"), index(in, "totalBytes"),
            in.readInt("checksum"), index(in, "offset"), in.readSizedBytes("snapshot chunk"),
            membership(in));
      case INSTALL_SNAPSHOT_RESPONSE:
        return new InstallSnapshotResponse(
            from, to, term, index(in, "lastIndex"), index(in, "nextOffset"),
            in.readBoolean("installed"));
      case TIMEOUT_NOW:
        return new TimeoutNow(from, to, term);
      default:
        throw new AssertionError("unknown message type " + type + " reached the body reader");
    }
  }

  /** A snapshot's configuration: empty for none (a snapshot stored before configurations were). */
  private static byte[] membershipBytes(InstallSnapshot s) {
    return s.membership() == null ? new byte[0] : MembershipCodec.encode(s.membership());
  }

  private static Membership membership(FrameReader in) {
    int at = in.offset();
    byte[] bytes = in.readSizedBytes("configuration");
    if (bytes.length == 0) return null;
    try {
      return MembershipCodec.decode(bytes);
    } catch (CodecException e) {
      throw new CodecException("snapshot configuration: " + e.getMessage(), at + 4 + e.offset(), e);
    }
  }

  private static RequestVote requestVote(String from, String to, long term, FrameReader in) {
    long lastLogIndex = index(in, "lastLogIndex");
    long lastLogTerm = index(in, "lastLogTerm");
    boolean preVote = in.readBoolean("preVote");
    boolean transfer = in.readBoolean("transfer");
    if (preVote && transfer) {
      throw new CodecException("a vote request cannot be both a pre-vote and a transfer", in.offset());
    }
    return new RequestVote(from, to, term, lastLogIndex, lastLogTerm, preVote, transfer);
  }

  private static List<LogEntry> entries(FrameReader in) {
    // The count is checked against the remaining bytes first, so the list is sized safely.
    int count = in.readCount(EntryLayout.HEADER_BYTES, "entry count");
    List<LogEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) entries.add(EntryLayout.read(in));
    return entries;
  }

  /** Terms and indexes: 0 is valid (nothing yet), negative never is. */
  private static long index(FrameReader in, String field) {
    return in.readLongAtLeast(0, field);
  }

  private static void putNonNegative(ByteBuffer out, long value, String field) {
    if (value < 0) throw new IllegalArgumentException(field + " must be >= 0: " + value);
    out.putLong(value);
  }

  private static void putBoolean(ByteBuffer out, boolean value) {
    out.put(value ? (byte) 1 : (byte) 0);
  }
}
