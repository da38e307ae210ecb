package io.bellwether.node.http;

import io.bellwether.core.BellwetherException;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An HTTP error answer: a status and a JSON body {@code {"error": code, "message": ...}}. The status
 * tells the client whether a write <b>certainly did not happen</b> (4xx, 503) or <b>may have
 * happened</b> (504). A write never gets a 500: see {@link #ofWrite}.
 */
public final class ApiError extends RuntimeException {

  /**
   * The statuses with which this API says a write certainly did not happen (with its error body);
   * every other ending of a write may have applied it. The forwarder and the CLI judge by this.
   */
  public static final Set<Integer> WRITE_NOT_DONE_STATUSES = Set.of(400, 401, 403, 404, 405, 409, 412, 413, 429, 503);

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient JsonObject extra;

  public ApiError(int status, String code, String message) {
    this(status, code, message, new JsonObject());
  }

  public ApiError(int status, String code, String message, JsonObject extra) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }

  /** Malformed input: 400. */
  public static ApiError badRequest(String message) {
    return new ApiError(400, "INVALID_REQUEST", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** This error with one more field in its body, such as a learner's {@code "lag"}. */
  public ApiError with(String field, Object value) {
    return new ApiError(status, code, getMessage(), extra.copy().put(field, value));
  }

  public JsonObject toJson() {
    return new JsonObject().put("error", code).put("message", getMessage()).mergeIn(extra);
  }

  /** Maps a failure of the node or of the KV facade to its HTTP answer. */
  public static ApiError of(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ApiError e) return e;
    if (t instanceof RequestFailedException e) {
      JsonObject extra = new JsonObject();
      if (e.leaderHint() != null) extra.put("leader", e.leaderHint());
      int status = switch (e.reason()) {
        case INVALID_REQUEST -> 400;
        case TOO_LARGE -> 413;
        case OVERLOADED -> 429;
        case NOT_LEADER, NO_LEADER, READ_UNAVAILABLE, SHUTTING_DOWN -> 503;
        case CHANGE_IN_PROGRESS, NOT_CAUGHT_UP, CONFLICT, LAST_VOTER, QUORUM_AT_RISK -> 409;
        case NOT_A_MEMBER -> 404;
      };
      return new ApiError(status, e.reason().name(), e.getMessage(), extra);
    }
    if (t instanceof OutcomeUnknownException e) {
      return outcomeUnknown(
          e.getMessage() + " (" + e.reason() + "; the write may or may not have happened: retry with the same"
              + " Idempotency-Key, or read to find out)");
    }
    return new ApiError(500, "INTERNAL", String.valueOf(t));
  }

  /**
   * Maps the failure of a write that was handed to the node. Only the node's own verdicts are
   * certain: a {@link RequestFailedException} keeps its "did not happen" status and an {@link
   * OutcomeUnknownException} is 504. Anything else is a failure nobody classified (a bug, a result
   * that could not be read), and it may have struck after the write was proposed, or even applied:
   * 500 would read as "failed", so it is 504 as well. "When in doubt, outcome unknown."
   */
  public static ApiError ofWrite(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ApiError || t instanceof BellwetherException) return of(t);
    return outcomeUnknown("the write failed unexpectedly after it was handed to the node (" + t
        + "); it may or may not have happened: retry with the same Idempotency-Key, or read to find out");
  }

  /** 504 {@code OUTCOME_UNKNOWN}: the write may or may not have happened. */
  static ApiError outcomeUnknown(String message) {
    return new ApiError(504, "OUTCOME_UNKNOWN", message);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
