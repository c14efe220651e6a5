package io.cvmavs.stake;

/** The stake aggregator's configuration file is missing, malformed or inconsistent. */
public final class StakeConfigException extends StakeException {
  public StakeConfigException(String message) {
    super(message);
  }

  public StakeConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
