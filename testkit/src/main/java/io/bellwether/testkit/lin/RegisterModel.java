package io.bellwether.testkit.lin;

/**
 * The sequential specification of one register, on interned values (0 = absent): read returns the
 * value, write and delete always apply, cas applies only if the register holds the expected value.
 */
final class RegisterModel {

  static final int NOT_ALLOWED = -1;

  private RegisterModel() {}

  /** The register value after {@code op}, or {@link #NOT_ALLOWED} if {@code op} cannot apply. */
  static int step(int state, LinOp op) {
    return switch (op.f) {
      case READ -> op.valueId == state ? state : NOT_ALLOWED;
      case WRITE -> op.valueId;
      case CAS -> op.expectedId == state ? op.valueId : NOT_ALLOWED;
      case DELETE -> 0;
    };
  }
}
