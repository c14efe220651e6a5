package io.cvmavs.operator.rewards;

/** A rewards step refused or failed: the message says what and why. */
public final class RewardsException extends RuntimeException {
  public RewardsException(String message) {
    super(message);
  }

  public RewardsException(String message, Throwable cause) {
    super(message, cause);
  }
}
