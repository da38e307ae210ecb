package io.bellwether.testkit.lin;

import java.util.Objects;

/**
 * One event of a client history, as Jepsen records them: an {@code INVOKE} when a client sends a
 * request, then one completion from the same process ({@code OK}, {@code FAIL} or {@code INFO}).
 *
 * <p>{@code value} is the value written (write, and the new value of a cas) or the value a read
 * returned on {@code OK} ({@code null} = the key was absent). {@code expected} is only used by cas: the
 * value the register must hold for the cas to take effect ({@code null} = absent). {@code time} orders
 * events (nanos or simulation ticks; ties keep history order). {@code node} and {@code error} are
 * informative only.
 */
public record Op(
    int process,
    Type type,
    F f,
    String key,
    String value,
    String expected,
    long time,
    String node,
    String error) {

  /** Kind of event. */
  public enum Type {
    /** The client sent the request. */
    INVOKE,
    /** The operation took effect, with the result in {@code value} for reads. */
    OK,
    /** The operation definitely did not take effect. */
    FAIL,
    /** Unknown outcome: it may take effect at any point after its invocation, or never. */
    INFO
  }

  /** Operation on a register. */
  public enum F {
    READ,
    WRITE,
    CAS,
    DELETE
  }

  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(key, "key");
  }

  public static Op invoke(int process, F f, String key, String value, long time) {
    return new Op(process, Type.INVOKE, f, key, value, null, time, null, null);
  }

  public static Op invokeRead(int process, String key, long time) {
    return invoke(process, F.READ, key, null, time);
  }

  public static Op invokeWrite(int process, String key, String value, long time) {
    return invoke(process, F.WRITE, key, value, time);
  }

  public static Op invokeCas(int process, String key, String expected, String value, long time) {
    return new Op(process, Type.INVOKE, F.CAS, key, value, expected, time, null, null);
  }

  public static Op invokeDelete(int process, String key, long time) {
    return invoke(process, F.DELETE, key, null, time);
  }

  /** A successful completion; {@code value} is what a read returned (ignored for other kinds). */
  public static Op ok(int process, F f, String key, String value, long time) {
    return new Op(process, Type.OK, f, key, value, null, time, null, null);
  }

  public static Op fail(int process, F f, String key, long time, String error) {
    return new Op(process, Type.FAIL, f, key, null, null, time, null, error);
  }

  public static Op info(int process, F f, String key, long time, String error) {
    return new Op(process, Type.INFO, f, key, null, null, time, null, error);
  }

  public Op withNode(String servedBy) {
    return new Op(process, type, f, key, value, expected, time, servedBy, error);
  }

  public Op withValue(String newValue) {
    return new Op(process, type, f, key, newValue, expected, time, node, error);
  }

  public Op withTime(long newTime) {
    return new Op(process, type, f, key, value, expected, newTime, node, error);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append('p').append(process).append(' ').append(type.name().toLowerCase()).append(' ');
    b.append(f.name().toLowerCase()).append(' ').append(key);
    if (f == F.CAS && type == Type.INVOKE) {
      b.append(' ').append(show(expected)).append("->").append(show(value));
    } else if (value != null || (f == F.READ && type == Type.OK)) {
      b.append(' ').append(show(value));
    }
    b.append(" @").append(time);
    if (node != null) {
      b.append(" on ").append(node);
    }
    if (error != null) {
      b.append(" (").append(error).append(')');
    }
    return b.toString();
  }

  static String show(String value) {
    return value == null ? "absent" : "'" + value + "'";
  }
}
