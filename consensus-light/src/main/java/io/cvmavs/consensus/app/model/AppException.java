package io.cvmavs.consensus.app.model;

/**
 * The CVM chain application refused something: a transaction, a vote extension, a genesis document
 * or a stored state. The message names what was refused, the field and why.
 */
public class AppException extends RuntimeException {
  public AppException(String message) {
    super(message);
  }

  public AppException(String message, Throwable cause) {
    super(message, cause);
  }
}
