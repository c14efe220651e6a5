package io.cvmavs.crypto;

/**
 * Base of every error the crypto module raises on purpose; the message says what was refused and
 * why.
 */
public class CryptoException extends RuntimeException {
  public CryptoException(String message) {
    super(message);
  }

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
