package io.cvmavs.operator.registration;

/** A registration step cannot be performed; the message says which and why. */
public final class RegistrationException extends RuntimeException {
  public RegistrationException(String message) {
    super(message);
  }
}
