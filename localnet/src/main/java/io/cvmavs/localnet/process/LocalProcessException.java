package io.cvmavs.localnet.process;

/**
 * A local process could not be started, became unready, or misbehaved. The message names the
 * process.
 */
public class LocalProcessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LocalProcessException(String message) {
    super(message);
  }

  public LocalProcessException(String message, Throwable cause) {
    super(message, cause);
  }
}
