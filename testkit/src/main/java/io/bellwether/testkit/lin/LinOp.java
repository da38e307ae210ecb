package io.bellwether.testkit.lin;

/**
 * One operation of one key as the search sees it: the register values interned to small integers
 * (0 = absent), the positions of its call and return in the ordered history, and the deadline by
 * which the search must have placed it (see {@link KeyHistory}).
 */
final class LinOp {

  /** Position of a return that never comes: the operation may take effect at any later point. */
  static final long NEVER = Long.MAX_VALUE;

  final Operation source;
  final Op.F f;
  /** For write and cas the value written; for read the value returned. Null = absent. */
  final String value;
  /** For cas only: the value the register must hold. Null = absent. */
  final String expected;
  final long callPosition;
  /** Where the history completed it; {@link #NEVER} for indeterminate operations. */
  final long returnPosition;

  int id;
  int valueId;
  int expectedId;
  /** Position by which the search must have linearized it (or, if optional, dropped it). */
  long deadline;
  /** True if the operation may also never take effect: indeterminate, not known to be needed. */
  boolean optional;
  /** True if it is left out of the search: indeterminate, and nobody could have seen its effect. */
  boolean dropped;

  LinOp(Operation source, String value, long callPosition, long returnPosition) {
    this.source = source;
    this.f = source.invoke().f();
    this.value = value;
    this.expected = source.invoke().expected();
    this.callPosition = callPosition;
    this.returnPosition = returnPosition;
    this.deadline = returnPosition;
  }

  boolean indeterminate() {
    return returnPosition == NEVER;
  }

  /** True for writes, cas and deletes: the operations that change the register. */
  boolean writes() {
    return f != Op.F.READ;
  }

  String key() {
    return source.invoke().key();
  }
}
