package io.bellwether.storage.mapdb;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One WAL segment file, {@code <seq>-<startIndex>.seg} (both 16 hex digits): {@code seq} counts
 * segments from 0, {@code startIndex} is the index the first entry appended into it had to have
 * (the log's last index + 1 when it was created). Every segment begins with a checkpoint frame.
 */
record Segment(long seq, long startIndex, Path path) {

  static final String SUFFIX = ".seg";
  private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.seg");

  static String name(long seq, long startIndex) {
    return String.format("%016x-%016x%s", seq, startIndex, SUFFIX);
  }

  /** The segment a file name denotes, or empty if it is not a segment's name. */
  static Optional<Segment> parse(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) return Optional.empty();
    return Optional.of(new Segment(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16), file));
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
