package io.cvmavs.contracts;

/**
 * A deployment file is missing, malformed, or lacks a requested contract. The message names the
 * file and field.
 */
public class DeploymentsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeploymentsException(String message) {
    super(message);
  }

  public DeploymentsException(String message, Throwable cause) {
    super(message, cause);
  }
}
