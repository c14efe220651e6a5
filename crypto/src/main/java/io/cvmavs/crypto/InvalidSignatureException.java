package io.cvmavs.crypto;

/** A signature that does not verify, raised where the caller asked for a check that must pass. */
public class InvalidSignatureException extends CryptoException {
  public InvalidSignatureException(String message) {
    super(message);
  }

  public InvalidSignatureException(String message, Throwable cause) {
    super(message, cause);
  }
}
