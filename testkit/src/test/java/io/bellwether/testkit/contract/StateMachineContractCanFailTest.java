package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.StateMachine;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

// Goal: prove the StateMachine contract can fail: each clause catches a machine that breaks it, and a
// machine that keeps them all passes.
// Method: run the suite through the JUnit engine against a small append-only log machine, once
// correct and once per planted bug, and check which tests failed.
class StateMachineContractCanFailTest {

  @Test
  void aCorrectMachinePassesEveryClause() {
    Events tests = run(Correct.class);
    tests.assertStatistics(stats -> stats.failed(0).succeeded(10));
  }

  @Test
  void aCaptureThatWritesAnOlderStateIsCaughtAtTheRestart() {
    assertFailed(StaleCapture.class, "aRestartRestoresTheLastSnapshotAndReplaysTheRest");
  }

  @Test
  void anExportWhoseChecksumLiesIsCaught() {
    assertFailed(ChecksumLies.class, "theTransferredFormRebuildsTheSameStateOnAnotherMachine");
  }

  @Test
  void applyThatDependsOnMoreThanStateIndexAndCommandIsCaught() {
    assertFailed(Nondeterministic.class, "applyIsDeterministic");
  }

  @Test
  void aQueryThatChangesStateIsCaught() {
    assertFailed(QueryChangesState.class, "queriesChangeNothing");
  }

  @Test
  void restoreThatMergesInsteadOfReplacingIsCaught() {
    assertFailed(RestoreMerges.class, "restoreReplacesTheWholeState");
  }

  @Test
  void aSnapshotThatSharesTheLiveStateIsCaught() {
    assertFailed(SnapshotIsAView.class, "aSnapshotIsAValueNotAView");
  }

  @Test
  void aCaptureThatWritesTheLiveStateIsCaught() {
    assertFailed(CaptureReadsLiveState.class, "aCaptureWritesTheStateAsCapturedWhileTheMachineGoesOn");
  }

  @Test
  void aSinkThatLosesChunksIsCaught() {
    assertFailed(SinkKeepsTheFirstChunkOnly.class, "theTransferredFormRebuildsTheSameStateOnAnotherMachine");
  }

  @Test
  void restoreThatAcceptsGarbageIsCaught() {
    assertFailed(RestoreTrustsItsInput.class, "aCorruptSnapshotIsRefusedAndChangesNothing");
  }

  @Test
  void applyThatThrowsOnAMalformedCommandIsCaught() {
    assertFailed(ThrowsOnMalformed.class, "malformedCommandsAreAnsweredNotThrown");
  }

  private static void assertFailed(Class<?> suite, String test) {
    assertThat(failedNames(run(suite))).as("tests of %s that failed", suite.getSimpleName()).contains(test);
  }

  private static Events run(Class<?> suite) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(suite)).execute().testEvents();
  }

  private static List<String> failedNames(Events tests) {
    return tests.failed().stream()
        .map(e -> e.getTestDescriptor().getDisplayName().replace("()", ""))
        .toList();
  }

  /**
   * A log of strings: a command is UTF-8 text appended to the log ("rejected" is the answer to bytes
   * that are not UTF-8); a query is a 4-byte position, answered with the entry there (empty past the
   * end). Snapshot: a CRC32 then the entries, length-prefixed.
   */
  static class AppendLog implements StateMachine {
    List<String> entries = new ArrayList<>();

    @Override
    public byte[] apply(long index, byte[] command) {
      try {
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(command)).toString();
        entries.add(text);
        return ("ok " + entries.size()).getBytes(StandardCharsets.UTF_8);
      } catch (CharacterCodingException e) {
        return "rejected".getBytes(StandardCharsets.UTF_8);
      }
    }

    @Override
    public byte[] query(byte[] query) {
      int position = ByteBuffer.wrap(query).getInt();
      return position < entries.size() ? entries.get(position).getBytes(StandardCharsets.UTF_8) : new byte[0];
    }

    @Override
    public byte[] snapshot() {
      ByteBuffer body = ByteBuffer.allocate(4 + entries.stream().mapToInt(e -> 4 + 4 * e.length()).sum());
      body.putInt(entries.size());
      for (String e : entries) {
        byte[] bytes = e.getBytes(StandardCharsets.UTF_8);
        body.putInt(bytes.length).put(bytes);
      }
      byte[] payload = java.util.Arrays.copyOf(body.array(), body.position());
      CRC32 crc = new CRC32();
      crc.update(payload);
      return ByteBuffer.allocate(8 + payload.length).putLong(crc.getValue()).put(payload).array();
    }

    @Override
    public void restore(long index, byte[] snapshot) {
      entries = decode(snapshot, true);
    }

    static List<String> decode(byte[] snapshot, boolean check) {
      try {
        ByteBuffer in = ByteBuffer.wrap(snapshot);
        long expected = in.getLong();
        byte[] payload = new byte[in.remaining()];
        in.get(payload);
        CRC32 crc = new CRC32();
        crc.update(payload);
        if (check && crc.getValue() != expected) throw new IllegalArgumentException("snapshot checksum mismatch");
        ByteBuffer body = ByteBuffer.wrap(payload);
        int count = body.getInt();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          byte[] bytes = new byte[body.getInt()];
          body.get(bytes);
          out.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return out;
      } catch (RuntimeException e) {
        if (e instanceof IllegalArgumentException) throw e;
        throw new IllegalArgumentException("not a snapshot: " + e, e);
      }
    }
  }

  /** The contract bound to a machine type: commands are short texts, queries every position. */
  abstract static class AppendLogContract extends StateMachineContract {
    @Override
    protected List<byte[]> commands(Random random, int count) {
      List<byte[]> commands = new ArrayList<>();
      for (int i = 0; i < count; i++) commands.add(("c" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8));
      return commands;
    }

    @Override
    protected List<byte[]> queries(List<byte[]> commands) {
      List<byte[]> queries = new ArrayList<>();
      for (int i = 0; i <= commands.size(); i++) queries.add(ByteBuffer.allocate(4).putInt(i).array());
      return queries;
    }
  }

  static class Correct extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog();
    }

    @Override
    protected StateMachine reopen(StateMachine machine) {
      return new AppendLog(); // keeps nothing outside its snapshot: a restart starts empty
    }
  }

  static class StaleCapture extends Correct {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        private SnapshotCapture first;

        @Override
        public SnapshotCapture captureSnapshot() {
          if (first == null) first = super.captureSnapshot();
          return first; // every capture writes the state of the first one
        }
      };
    }
  }

  static class ChecksumLies extends Correct {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public SnapshotData exportSnapshot(long lastIndex, byte[] localData) {
          SnapshotData real = super.exportSnapshot(lastIndex, localData);
          return new SnapshotData() {
            @Override
            public long size() {
              return real.size();
            }

            @Override
            public int checksum() {
              return real.checksum() + 1;
            }

            @Override
            public byte[] read(long offset, int maxBytes) {
              return real.read(offset, maxBytes);
            }
          };
        }
      };
    }
  }

  static class Nondeterministic extends AppendLogContract {
    private static int machines;

    @Override
    protected StateMachine newStateMachine() {
      int id = ++machines;
      return new AppendLog() {
        @Override
        public byte[] apply(long index, byte[] command) {
          byte[] result = super.apply(index, command);
          return index == 7 ? ("node " + id).getBytes(StandardCharsets.UTF_8) : result;
        }
      };
    }
  }

  static class QueryChangesState extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public byte[] query(byte[] query) {
          if (!entries.isEmpty()) entries.add("read");
          return super.query(query);
        }
      };
    }
  }

  static class RestoreMerges extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public void restore(long index, byte[] snapshot) {
          List<String> restored = decode(snapshot, true);
          if (entries.size() > restored.size()) restored.addAll(entries.subList(restored.size(), entries.size()));
          entries = restored;
        }
      };
    }
  }

  static class SnapshotIsAView extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        private byte[] buffer = new byte[1 << 16];

        @Override
        public byte[] apply(long index, byte[] command) {
          byte[] result = super.apply(index, command);
          byte[] fresh = super.snapshot();
          System.arraycopy(fresh, 0, buffer, 0, fresh.length);
          return result;
        }

        @Override
        public byte[] snapshot() {
          return buffer; // the live buffer, rewritten by every later apply
        }

        @Override
        public void restore(long index, byte[] snapshot) {
          byte[] exact = java.util.Arrays.copyOf(snapshot, snapshot.length);
          entries = decode(trim(exact), true);
          System.arraycopy(super.snapshot(), 0, buffer, 0, super.snapshot().length);
        }

        private byte[] trim(byte[] padded) {
          // The buffer is padded with zeros: find the end from the entry count.
          ByteBuffer in = ByteBuffer.wrap(padded);
          in.getLong();
          int count = in.getInt();
          for (int i = 0; i < count; i++) in.position(in.position() + in.getInt());
          return java.util.Arrays.copyOf(padded, in.position());
        }
      };
    }
  }

  static class CaptureReadsLiveState extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public io.bellwether.core.spi.SnapshotCapture captureSnapshot() {
          return this::snapshot; // serialises at write time, on the writer thread: too late
        }
      };
    }
  }

  static class SinkKeepsTheFirstChunkOnly extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public io.bellwether.core.spi.SnapshotSink receiveSnapshot(long lastIndex, long totalBytes) {
          io.bellwether.core.spi.SnapshotSink heap = super.receiveSnapshot(lastIndex, totalBytes);
          return new io.bellwether.core.spi.SnapshotSink() {
            private boolean first = true;

            @Override
            public void write(byte[] chunk) {
              if (first) heap.write(chunk);
              first = false;
            }

            @Override
            public byte[] complete() {
              return heap.complete();
            }

            @Override
            public void abort() {
              heap.abort();
            }
          };
        }
      };
    }
  }

  static class RestoreTrustsItsInput extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public void restore(long index, byte[] snapshot) {
          try {
            entries = decode(snapshot, false);
          } catch (IllegalArgumentException e) {
            entries = new ArrayList<>(); // swallows the error and loses the state
          }
        }
      };
    }
  }

  static class ThrowsOnMalformed extends AppendLogContract {
    @Override
    protected StateMachine newStateMachine() {
      return new AppendLog() {
        @Override
        public byte[] apply(long index, byte[] command) {
          if (command.length == 0) throw new IllegalArgumentException("empty command");
          return super.apply(index, command);
        }
      };
    }
  }
}
