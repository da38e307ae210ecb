package io.bellwether.core.codec;

import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.message.TimeoutNow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Random but valid messages for the codec's property tests. Everything is drawn from the given {@link Random}, so a seed replays exactly.
 *
 * <p>Values lean towards edge cases: empty and 255-byte multilingual node ids, terms and indexes of 0
 * and near {@code Long.MAX_VALUE}, empty entry lists and empty entry data, snapshots with and without
 * a configuration, and configurations without members.
 */
public final class RandomMessages {

  /** One generator per message type, named after the type, in wire-code order. */
  public static final List<Generator> GENERATORS =
      List.of(
          new Generator("RequestVote", RandomMessages::requestVote),
          new Generator("RequestVoteResponse", RandomMessages::requestVoteResponse),
          new Generator("AppendEntries", RandomMessages::appendEntries),
          new Generator("AppendEntriesResponse", RandomMessages::appendEntriesResponse),
          new Generator("Heartbeat", RandomMessages::heartbeat),
          new Generator("HeartbeatResponse", RandomMessages::heartbeatResponse),
          new Generator("ReadIndexRequest", RandomMessages::readIndexRequest),
          new Generator("ReadIndexResponse", RandomMessages::readIndexResponse),
          new Generator("InstallSnapshot", RandomMessages::installSnapshot),
          new Generator("InstallSnapshotResponse", RandomMessages::installSnapshotResponse),
          new Generator("TimeoutNow", r -> new TimeoutNow(nodeId(r), nodeId(r), term(r))));

  /** A named generator; {@code toString} is the name, so parameterized tests read well. */
  public record Generator(String name, Function<Random, Message> generate) {
    public Message next(Random r) {
      return generate.apply(r);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final String[] ALPHABETS = {
    "abcdefghijklmnopqrstuvwxyz0123456789-._",
    "éèàüöçñœß", // two bytes in UTF-8
    "节点领导者跟随", // three bytes
    "\uD83D\uDC11\uD83D\uDC0F", // sheep and ram: four bytes, surrogate pairs in Java
  };

  private RandomMessages() {}

  /** A message of any type. */
  public static Message any(Random r) {
    return GENERATORS.get(r.nextInt(GENERATORS.size())).next(r);
  }

  public static RequestVote requestVote(Random r) {
    boolean preVote = r.nextBoolean();
    boolean transfer = !preVote && r.nextBoolean();
    return new RequestVote(nodeId(r), nodeId(r), term(r), index(r), term(r), preVote, transfer);
  }

  public static RequestVoteResponse requestVoteResponse(Random r) {
    return new RequestVoteResponse(nodeId(r), nodeId(r), term(r), r.nextBoolean(), r.nextBoolean());
  }

  /** Entries follow {@code prevLogIndex} contiguously, with terms between prevLogTerm and term. */
  public static AppendEntries appendEntries(Random r) {
    long term = 1 + r.nextInt(1_000);
    long prevLogTerm = r.nextInt((int) term + 1);
    long prevLogIndex = prevLogTerm == 0 ? 0 : r.nextInt(1_000_000);
    List<LogEntry> entries = entries(r, prevLogIndex + 1, Math.max(1, prevLogTerm), term);
    long leaderCommit = r.nextInt((int) prevLogIndex + entries.size() + 1);
    return new AppendEntries(
        nodeId(r), nodeId(r), term, prevLogIndex, prevLogTerm, entries, leaderCommit);
  }

  public static AppendEntriesResponse appendEntriesResponse(Random r) {
    return new AppendEntriesResponse(
        nodeId(r), nodeId(r), term(r), r.nextBoolean(), index(r), index(r), term(r));
  }

  public static Heartbeat heartbeat(Random r) {
    return new Heartbeat(nodeId(r), nodeId(r), term(r), index(r), r.nextLong(), tickMicros(r),
        electionTimeoutTicks(r));
  }

  public static HeartbeatResponse heartbeatResponse(Random r) {
    return new HeartbeatResponse(
        nodeId(r), nodeId(r), term(r), r.nextLong(), index(r), r.nextBoolean());
  }

  public static ReadIndexRequest readIndexRequest(Random r) {
    return new ReadIndexRequest(nodeId(r), nodeId(r), term(r), r.nextLong());
  }

  /** A chunk of a snapshot that carries a configuration as of its last index, or (half the time) none. */
  public static InstallSnapshot installSnapshot(Random r) {
    byte[] chunk = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(2048)];
    r.nextBytes(chunk);
    long offset = r.nextBoolean() ? 0 : r.nextInt(1 << 20);
    long lastIndex = index(r);
    Membership membership = r.nextBoolean() ? null : membership(r, lastIndex);
    return new InstallSnapshot(nodeId(r), nodeId(r), term(r), lastIndex, term(r),
        offset + chunk.length + (r.nextBoolean() ? 0 : r.nextInt(1000)), r.nextInt(), offset, chunk,
        membership);
  }

  public static InstallSnapshotResponse installSnapshotResponse(Random r) {
    return new InstallSnapshotResponse(
        nodeId(r), nodeId(r), term(r), index(r), index(r), r.nextBoolean());
  }

  public static ReadIndexResponse readIndexResponse(Random r) {
    return new ReadIndexResponse(
        nodeId(r), nodeId(r), term(r), r.nextLong(), r.nextBoolean(), index(r));
  }

  /**
   * A node id of 0 to 255 UTF-8 bytes, mostly short ASCII, sometimes multilingual, sometimes empty or
   * filling the whole length byte.
   */
  public static String nodeId(Random r) {
    int shape = r.nextInt(10);
    if (shape == 0) return "";
    if (shape < 6) return "node-" + r.nextInt(10);
    int maxBytes = shape == 9 ? MessageCodec.MAX_NODE_ID_BYTES : 1 + r.nextInt(40);
    String alphabet = ALPHABETS[r.nextInt(ALPHABETS.length)];
    StringBuilder id = new StringBuilder();
    int bytes = 0;
    while (true) {
      int[] codePoints = alphabet.codePoints().toArray();
      int cp = codePoints[r.nextInt(codePoints.length)];
      int cpBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + cpBytes > maxBytes) return id.toString();
      id.appendCodePoint(cp);
      bytes += cpBytes;
    }
  }

  /**
   * A configuration set at an index from 0 to {@code maxIndex}: 0 to 7 members (sometimes none), each a
   * voter or a learner under a distinct non-empty id, with addresses that are absent, short or up to
   * 255 multilingual bytes.
   */
  public static Membership membership(Random r, long maxIndex) {
    int count = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(7);
    Set<String> ids = new HashSet<>();
    List<Member> members = new ArrayList<>(count);
    while (members.size() < count) {
      String id = nodeId(r);
      if (id.isEmpty() || !ids.add(id)) continue;
      members.add(new Member(id, r.nextBoolean(), address(r), address(r)));
    }
    long index = maxIndex == 0 || r.nextInt(4) == 0 ? 0 : r.nextBoolean() ? maxIndex : 1 + r.nextLong(maxIndex);
    return new Membership(index, members);
  }

  /** A member's address: absent, a host and port, or any text a node id may be. */
  private static String address(Random r) {
    int shape = r.nextInt(4);
    if (shape == 0) return null;
    if (shape == 1) {
      String text = nodeId(r);
      return text.isEmpty() ? null : text;
    }
    return "host-" + r.nextInt(100) + ".example:" + (1 + r.nextInt(65535));
  }

  /** A term: usually small, sometimes 0 or near the top of the range. */
  public static long term(Random r) {
    return edgy(r);
  }

  /** A log index: usually small, sometimes 0 or near the top of the range. */
  public static long index(Random r) {
    return edgy(r);
  }

  /** A tick length in microseconds: usually milliseconds' worth, sometimes 1 or near the top. */
  public static long tickMicros(Random r) {
    return Math.max(1, edgy(r));
  }

  /** An election timeout in ticks: usually small, sometimes 2 or {@code Integer.MAX_VALUE}. */
  public static int electionTimeoutTicks(Random r) {
    switch (r.nextInt(10)) {
      case 0:
        return 2;
      case 1:
        return Integer.MAX_VALUE - r.nextInt(3);
      default:
        return 2 + r.nextInt(1_000);
    }
  }

  /** 0 to 20 entries (often none) starting at {@code firstIndex}, with non-decreasing terms. */
  public static List<LogEntry> entries(Random r, long firstIndex, long minTerm, long maxTerm) {
    int count = r.nextInt(4) == 0 ? 0 : r.nextInt(21);
    List<LogEntry> entries = new ArrayList<>(count);
    long term = minTerm;
    for (int i = 0; i < count; i++) {
      if (term < maxTerm && r.nextInt(4) == 0) term += 1 + r.nextInt((int) Math.min(3, maxTerm - term));
      entries.add(logEntry(r, term, firstIndex + i));
    }
    return entries;
  }

  /** Any valid entry. */
  public static LogEntry logEntry(Random r) {
    return logEntry(r, Math.max(1, edgy(r)), Math.max(1, edgy(r)));
  }

  /** An entry at the given place: a noop, or a command of empty, small or (rarely) 64 KiB data. */
  public static LogEntry logEntry(Random r, long term, long index) {
    if (r.nextInt(8) == 0) return LogEntry.noop(term, index);
    int shape = r.nextInt(20);
    int size = shape == 0 ? 0 : shape == 1 ? r.nextInt(64 * 1024) : r.nextInt(200);
    byte[] data = new byte[size];
    r.nextBytes(data);
    // A noop with data, or a command without: the codec must not assume either shape.
    EntryType type = r.nextInt(50) == 0 ? EntryType.NOOP : EntryType.COMMAND;
    return new LogEntry(term, index, type, data);
  }

  private static long edgy(Random r) {
    switch (r.nextInt(10)) {
      case 0:
        return 0;
      case 1:
        return Long.MAX_VALUE - r.nextInt(3);
      case 2:
        return r.nextLong() & Long.MAX_VALUE;
      default:
        return r.nextInt(10_000);
    }
  }
}
