package io.cvmavs.stake;

/**
 * Root of the stake aggregator's exceptions: every failure says what was refused and why. Subtypes
 * separate bad configuration, unreadable chain state and invalid validator sets or updates.
 */
public class StakeException extends RuntimeException {
  public StakeException(String message) {
    super(message);
  }

  public StakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
