package io.bellwether.core.engine;

import io.bellwether.core.message.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine has decided since the last {@link RaftEngine#ready()}: messages to send and reads
 * that became safe or failed. Shared by the engine and its {@link Leader}, handed out and cleared
 * by {@code ready()}.
 */
final class Effects {

  private final List<Message> messages = new ArrayList<>();
  private final List<ReadState> readStates = new ArrayList<>();
  private final List<FailedRead> failedReads = new ArrayList<>();

  void send(Message m) {
    messages.add(m);
  }

  void readReady(long requestId, long readIndex) {
    readStates.add(new ReadState(requestId, readIndex));
  }

  void readFailed(long requestId, FailedRead.Cause cause) {
    failedReads.add(new FailedRead(requestId, cause));
  }

  boolean isEmpty() {
    return messages.isEmpty() && readStates.isEmpty() && failedReads.isEmpty();
  }

  List<Message> takeMessages() {
    List<Message> out = List.copyOf(messages);
    messages.clear();
    return out;
  }

  List<ReadState> takeReadStates() {
    List<ReadState> out = List.copyOf(readStates);
    readStates.clear();
    return out;
  }

  List<FailedRead> takeFailedReads() {
    List<FailedRead> out = List.copyOf(failedReads);
    failedReads.clear();
    return out;
  }
}
