package io.bellwether.core.message;

/**
 * A message between two Bellwether nodes. Every message carries the sender's term (Raft §5.1: a node
 * that sees a higher term adopts it and steps down; a message with a lower term is stale).
 *
 * <p>Messages are immutable values. {@link io.bellwether.core.codec.MessageCodec} turns them into bytes
 * and back; transports carry those bytes and never look inside.
 */
public sealed interface Message
    permits RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, Heartbeat,
        HeartbeatResponse, ReadIndexRequest, ReadIndexResponse, InstallSnapshot,
        InstallSnapshotResponse, TimeoutNow {

  /** The sending node's id. */
  String from();

  /** The receiving node's id. */
  String to();

  /** The sender's current term (for a pre-vote request: the term it would campaign in). */
  long term();
}
