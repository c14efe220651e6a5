package io.cvmavs.crypto;

/**
 * A scalar (secret key, multiplier) was refused: zero where not allowed, or not below the group
 * order r.
 */
public class InvalidScalarException extends CryptoException {
  public InvalidScalarException(String message) {
    super(message);
  }

  public InvalidScalarException(String message, Throwable cause) {
    super(message, cause);
  }
}
