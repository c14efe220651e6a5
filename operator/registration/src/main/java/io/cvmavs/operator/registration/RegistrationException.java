package io.cvmavs.operator.registration;

import io.cvmavs.operator.OperatorException;

/** A registration step cannot be performed; the message says which and why. */
public final class RegistrationException extends OperatorException {
  public RegistrationException(String message) {
    super(message);
  }
}
