package io.cvmavs.crypto;

/**
 * A curve point was refused: not on the curve, not in the prime-order subgroup, or the point at
 * infinity where it is not allowed.
 */
public class InvalidPointException extends CryptoException {
  public InvalidPointException(String message) {
    super(message);
  }

  public InvalidPointException(String message, Throwable cause) {
    super(message, cause);
  }
}
