package io.cvmavs.operator;

/**
 * The one root of the operator module's own exceptions (configuration, registration, node, signer's
 * slashing protection, aggregator, monitor, devnet), so a caller can catch "anything this module
 * refused" in one clause. Each subclass keeps its name and message; the message always says what
 * failed and where. (The chain layer's {@code ChainException} stays apart: it moves into its own
 * module.)
 */
public abstract class OperatorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected OperatorException(String message) {
    super(message);
  }

  protected OperatorException(String message, Throwable cause) {
    super(message, cause);
  }
}
