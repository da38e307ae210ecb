package io.bellwether.testkit.sim;

/**
 * A safety or liveness property failed during a simulation. Thrown where the violation is seen; the
 * run stops there and {@link Simulation} reports it with the seed, the fault schedule and the last
 * steps.
 */
public final class SimFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SimFailure(String message) {
    super(message);
  }

  public SimFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
