package io.bellwether.core.spi;

/**
 * The storage medium failed, or what it holds cannot be trusted (a checksum mismatch, a locked or
 * corrupt data directory). Never a reason to start afresh: a node that forgets its log or its vote can
 * break Raft's safety, so the node stops and an operator decides.
 */
public class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
