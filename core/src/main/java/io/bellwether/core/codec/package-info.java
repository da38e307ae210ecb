/**
 * The binary codec for node-to-node messages ({@link io.bellwether.core.codec.MessageCodec}) and for
 * checksummed log entry records ({@link io.bellwether.core.codec.LogEntryCodec}).
 *
 * <p>A frame, all integers big-endian:
 *
 * <pre>
 * version      1 byte   (currently 2; version 1 heartbeats carried no timing)
 * type         1 byte   1 RequestVote, 2 RequestVoteResponse, 3 AppendEntries,
 *                       4 AppendEntriesResponse, 5 Heartbeat, 6 HeartbeatResponse,
 *                       7 ReadIndexRequest, 8 ReadIndexResponse, 9 InstallSnapshot,
 *                       10 InstallSnapshotResponse
 * from, to     node ids: 1 unsigned length byte (0..255), then that many bytes of UTF-8
 * term         8 bytes, &gt;= 0
 * body         the record's remaining fields in declaration order:
 *              long = 8 bytes, int = 4 bytes, boolean = 1 byte (0 or 1 only),
 *              byte array = 4-byte length, then the bytes,
 *              entry list = 4-byte count, then each entry:
 *                term 8, index 8, type code 1, data length 4, data
 * </pre>
 *
 * <p>The encoding is canonical: a frame that decodes re-encodes to the same bytes. A log entry record
 * is one entry in the layout above followed by a 4-byte CRC32C of those bytes.
 */
package io.bellwether.core.codec;
