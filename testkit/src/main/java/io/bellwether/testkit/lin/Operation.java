package io.bellwether.testkit.lin;

/**
 * An invocation and its completion, as the checker pairs them. {@code completion} is {@code null} when
 * the history ends before the operation completed (treated as {@code INFO}).
 */
public record Operation(Op invoke, Op completion) {

  /** True when the outcome is unknown: completed with {@code INFO}, or never completed. */
  public boolean indeterminate() {
    return completion == null || completion.type() == Op.Type.INFO;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append('p').append(invoke.process()).append(' ').append(invoke.f().name().toLowerCase());
    b.append(' ').append(invoke.key());
    switch (invoke.f()) {
      case READ -> {
        if (completion != null && completion.type() == Op.Type.OK) {
          b.append(" -> ").append(Op.show(completion.value()));
        }
      }
      case WRITE -> b.append(' ').append(Op.show(invoke.value()));
      case CAS -> b.append(' ').append(Op.show(invoke.expected())).append("->")
          .append(Op.show(invoke.value()));
      case DELETE -> { }
    }
    b.append(" [invoked @").append(invoke.time());
    if (completion == null) {
      b.append(", never completed");
    } else {
      b.append(", ").append(completion.type().name().toLowerCase()).append(" @")
          .append(completion.time());
    }
    String node = completion != null && completion.node() != null ? completion.node() : invoke.node();
    if (node != null) {
      b.append(", on ").append(node);
    }
    return b.append(']').toString();
  }
}
