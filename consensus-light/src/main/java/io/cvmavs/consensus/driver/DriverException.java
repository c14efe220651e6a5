package io.cvmavs.consensus.driver;

/**
 * The driven chain cannot go on: no application could be reached at start, the applications
 * disagree at genesis, or a decided block's validator updates are invalid (CometBFT halts there
 * too).
 */
public final class DriverException extends Exception {
  private static final long serialVersionUID = 1L;

  public DriverException(String message) {
    super(message);
  }

  public DriverException(String message, Throwable cause) {
    super(message, cause);
  }
}
