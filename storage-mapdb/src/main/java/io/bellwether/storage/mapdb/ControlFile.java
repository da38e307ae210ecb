package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The store's commit record: which MapDB copy may be in the middle of a write, the log sequence
 * number, and the hard state. Two fixed 4 KiB slots are written alternately, each with a sequence
 * number and a CRC32C, and forced before the write returns; a torn write damages only the slot being
 * written, so the other still holds the previous record. Reading takes the valid slot with the higher
 * sequence number.
 *
 * <p>Not thread-safe: used by the store's single caller.
 */
final class ControlFile implements AutoCloseable {

  static final String FILE_NAME = "control";
  static final int SLOT_BYTES = 4096;
  static final int MAX_VOTED_FOR_BYTES = 2048;
  private static final int MAGIC = 0x42574354; // "BWCT"
  private static final int FORMAT = 1;

  /** Which copy a crash right now could leave half-written. */
  enum Phase {
    /** Neither: both copies are whole and equal. */
    IDLE,
    /** Copy A may be half-written; copy B is whole. */
    WRITING_A,
    /** Copy B may be half-written; copy A is whole. */
    WRITING_B
  }

  /**
   * @param sequence increases by one with every write; picks the newer slot
   * @param logSequence how many log commits the copies have taken (for diagnostics and checks)
   */
  record Record(long sequence, Phase phase, long logSequence, HardState hardState) {

    Record next(Phase nextPhase, long nextLogSequence, HardState nextHardState) {
      return new Record(sequence + 1, nextPhase, nextLogSequence, nextHardState);
    }
  }

  private final Path path;
  private final FileChannel channel;
  private Record latest;

  private ControlFile(Path path, FileChannel channel, Record latest) {
    this.path = path;
    this.channel = channel;
    this.latest = latest;
  }

  /**
   * Writes a new control file holding {@code first} atomically: a temporary file, forced, renamed
   * into place, then the directory forced. Until the rename, the directory holds no store.
   */
  static void create(Path directory, Record first) throws IOException {
    Path temp = directory.resolve(FILE_NAME + ".tmp");
    try (FileChannel out =
        FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.allocate(2 * SLOT_BYTES), 0);
      out.write(encode(first), slotOffset(first.sequence()));
      out.force(true);
    }
    Files.move(temp, directory.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(directory);
  }

  /** Opens an existing control file and reads its latest valid record. */
  static ControlFile open(Path directory) {
    Path path = directory.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      Record a = readSlot(channel, 0);
      Record b = readSlot(channel, 1);
      Record latest = a == null ? b : b == null ? a : a.sequence() > b.sequence() ? a : b;
      if (latest == null) {
        throw new StorageException("control file " + path + " is corrupt: neither slot holds a valid record");
      }
      return new ControlFile(path, channel, latest);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageException("cannot read control file " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  Record latest() {
    return latest;
  }

  Path path() {
    return path;
  }

  /** Writes {@code record} into the slot not holding the latest one, and forces it to the disk. */
  void write(Record record) {
    if (record.sequence() != latest.sequence() + 1) {
      throw new IllegalStateException("control sequence must grow by one: " + latest.sequence() + " then " + record.sequence());
    }
    ByteBuffer bytes = encode(record);
    try {
      long offset = slotOffset(record.sequence());
      while (bytes.hasRemaining()) channel.write(bytes, offset + bytes.position());
      channel.force(false);
    } catch (IOException e) {
      throw new StorageException("cannot write control file " + path + ": " + e.getMessage(), e);
    }
    latest = record;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static long slotOffset(long sequence) {
    return (sequence % 2) * SLOT_BYTES;
  }

  private static ByteBuffer encode(Record record) {
    HardState hs = record.hardState();
    byte[] votedFor = hs.votedFor() == null ? null : hs.votedFor().getBytes(StandardCharsets.UTF_8);
    if (votedFor != null && votedFor.length > MAX_VOTED_FOR_BYTES) {
      throw new IllegalArgumentException("votedFor is longer than " + MAX_VOTED_FOR_BYTES + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate(SLOT_BYTES);
    out.putInt(MAGIC).putInt(FORMAT).putLong(record.sequence()).put((byte) record.phase().ordinal());
    out.putLong(record.logSequence()).putLong(hs.term()).putLong(hs.commitIndex());
    out.putInt(votedFor == null ? -1 : votedFor.length);
    if (votedFor != null) out.put(votedFor);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    out.clear();
    return out;
  }

  /** The record in slot {@code slot}, or null if it is empty or fails its checksum. */
  private static Record readSlot(FileChannel channel, int slot) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(SLOT_BYTES);
    while (in.hasRemaining()) {
      if (channel.read(in, (long) slot * SLOT_BYTES + in.position()) < 0) return null;
    }
    in.flip();
    if (in.getInt() != MAGIC || in.getInt() != FORMAT) return null;
    long sequence = in.getLong();
    int phase = in.get();
    long logSequence = in.getLong();
    long term = in.getLong();
    long commitIndex = in.getLong();
    int votedForLength = in.getInt();
    if (phase < 0 || phase >= Phase.values().length || votedForLength < -1 || votedForLength > MAX_VOTED_FOR_BYTES) {
      return null;
    }
    String votedFor = null;
    if (votedForLength >= 0) {
      byte[] bytes = new byte[votedForLength];
      in.get(bytes);
      votedFor = new String(bytes, StandardCharsets.UTF_8);
    }
    CRC32C crc = new CRC32C();
    crc.update(in.array(), 0, in.position());
    if (in.getInt() != (int) crc.getValue() || term < 0 || commitIndex < 0) return null;
    return new Record(sequence, Phase.values()[phase], logSequence, new HardState(term, votedFor, commitIndex));
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing a channel we only read or already forced loses nothing.
    }
  }
}
