package io.cvmavs.crypto;

/**
 * Bytes or text that do not parse: wrong length, truncated, non-canonical field element, bad hex.
 */
public class MalformedEncodingException extends CryptoException {
  public MalformedEncodingException(String message) {
    super(message);
  }

  public MalformedEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
