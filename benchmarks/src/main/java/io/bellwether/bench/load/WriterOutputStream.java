package io.bellwether.bench.load;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Lets progress lines (a PrintStream) go to picocli's error writer, so tests can capture them. */
final class WriterOutputStream extends OutputStream {

  private final PrintWriter writer;

  WriterOutputStream(PrintWriter writer) {
    this.writer = writer;
  }

  @Override
  public void write(int b) {
    writer.write((char) b);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    writer.write(new String(b, off, len, StandardCharsets.UTF_8));
  }

  @Override
  public void flush() {
    writer.flush();
  }
}
