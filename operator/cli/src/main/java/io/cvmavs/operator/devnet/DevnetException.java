package io.cvmavs.operator.devnet;

import io.cvmavs.operator.OperatorException;

/** A devnet cannot start or go on; the message says what happened and what to do. */
public final class DevnetException extends OperatorException {
  public DevnetException(String message) {
    super(message);
  }
}
