package io.cvmavs.consensus.light;

/**
 * Input the light client cannot use at all (malformed JSON, a missing field, a bad value), naming
 * where.
 */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
