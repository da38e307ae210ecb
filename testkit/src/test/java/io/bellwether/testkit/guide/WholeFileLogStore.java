package io.bellwether.testkit.guide;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.LogEntryCodec;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.inmem.LogImage;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The storage module a plug-in author might write first (see testkit/README.md): the log lives in
 * memory in core's {@link LogImage}, and every {@link #sync()} writes the whole of it to a temporary
 * file, forces it to disk and renames it over {@code log.bin}, then forces the directory. A crash
 * leaves the old file or the new one, never half of one. Correct, and slow for a long log: a real
 * module appends (the segment WAL of storage-mapdb). Single-threaded, as the SPI allows.
 *
 * <p>The file: magic, hard state, the snapshot if any (index, term, its configuration as {@link
 * MembershipCodec} bytes or length -1 for none, its data), the first index, the entries as {@link
 * LogEntryCodec} records.
 */
final class WholeFileLogStore implements LogStore {

  // "BLW2". A new layout gets a new magic, so a file of the old one is refused, never misread.
  private static final int MAGIC = 0x424c5732;

  private final Path dir;
  private final Path file;
  private LogImage image;
  private HardState hardState;
  private boolean closed;

  /** Opens the store kept in {@code dir}, empty if it holds none yet. */
  WholeFileLogStore(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("log.bin");
    try {
      if (Files.exists(file)) {
        load(Files.readAllBytes(file));
      } else {
        image = new LogImage();
        hardState = HardState.INITIAL;
      }
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override public HardState hardState() { return open().hardState; }
  @Override public void saveHardState(HardState state) { open().hardState = state; }
  @Override public long firstIndex() { return open().image.firstIndex(); }
  @Override public long lastIndex() { return open().image.lastIndex(); }
  @Override public long term(long index) { return open().image.term(index); }
  @Override public List<LogEntry> entries(long from, long to, long maxBytes) { return open().image.entries(from, to, maxBytes); }
  @Override public void append(List<LogEntry> entries) { open().image.append(entries); }
  @Override public void truncateSuffix(long fromIndex) { open().image.truncateSuffix(fromIndex); }
  @Override public void compactPrefix(long upToIndex) { open().image.compactPrefix(upToIndex); }
  @Override public Optional<Snapshot> snapshot() { return open().image.snapshot(); }
  @Override public void saveSnapshot(Snapshot snapshot) { open().image.saveSnapshot(snapshot); }

  @Override
  public void sync() {
    open();
    Path temporary = dir.resolve("log.bin.tmp");
    try {
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(encode());
        while (bytes.hasRemaining()) out.write(bytes);
        out.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
        directory.force(true); // makes the rename itself durable
      }
    } catch (IOException e) {
      throw new StorageException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  private WholeFileLogStore open() {
    if (closed) throw new IllegalStateException("log store is closed");
    return this;
  }

  private byte[] encode() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeInt(MAGIC);
    out.writeLong(hardState.term());
    out.writeUTF(hardState.votedFor() == null ? "" : hardState.votedFor());
    out.writeLong(hardState.commitIndex());
    Optional<Snapshot> snapshot = image.snapshot();
    out.writeBoolean(snapshot.isPresent());
    if (snapshot.isPresent()) {
      out.writeLong(snapshot.get().lastIndex());
      out.writeLong(snapshot.get().lastTerm());
      Membership membership = snapshot.get().membership();
      byte[] configuration = membership == null ? null : MembershipCodec.encode(membership);
      out.writeInt(configuration == null ? -1 : configuration.length);
      if (configuration != null) out.write(configuration);
      out.writeInt(snapshot.get().data().length);
      out.write(snapshot.get().data());
    }
    out.writeLong(image.firstIndex());
    List<LogEntry> entries = image.lastIndex() < image.firstIndex()
        ? List.of() : image.entries(image.firstIndex(), image.lastIndex() + 1, Long.MAX_VALUE);
    out.writeInt(entries.size());
    for (LogEntry entry : entries) {
      byte[] record = LogEntryCodec.encode(entry); // checksummed
      out.writeInt(record.length);
      out.write(record);
    }
    return buffer.toByteArray();
  }

  private void load(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != MAGIC) throw new StorageException(file + " is not a log of this store");
    long term = in.readLong();
    String votedFor = in.readUTF();
    hardState = new HardState(term, votedFor.isEmpty() ? null : votedFor, in.readLong());
    Snapshot snapshot = null;
    if (in.readBoolean()) {
      long lastIndex = in.readLong();
      long lastTerm = in.readLong();
      int configurationLength = in.readInt();
      Membership membership = configurationLength < 0 ? null : decode(in.readNBytes(configurationLength));
      snapshot = new Snapshot(lastIndex, lastTerm, membership, in.readNBytes(in.readInt()));
    }
    long firstIndex = in.readLong();
    int count = in.readInt();
    List<LogEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) entries.add(LogEntryCodec.decode(in.readNBytes(in.readInt())));
    image = LogImage.of(snapshot, firstIndex, entries);
  }

  private Membership decode(byte[] configuration) {
    try {
      return MembershipCodec.decode(configuration);
    } catch (CodecException e) {
      throw new StorageException(file + " holds a damaged configuration: " + e.getMessage(), e);
    }
  }
}
