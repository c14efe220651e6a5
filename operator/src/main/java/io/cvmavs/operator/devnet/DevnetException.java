package io.cvmavs.operator.devnet;

/** A devnet cannot start or go on; the message says what happened and what to do. */
public final class DevnetException extends RuntimeException {
  public DevnetException(String message) {
    super(message);
  }
}
