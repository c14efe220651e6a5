package io.cvmavs.crypto.keystore;

import io.cvmavs.crypto.CryptoException;

/** A keystore could not be read or written (I/O, format, password). */
public class KeystoreException extends CryptoException {
  public KeystoreException(String message) {
    super(message);
  }

  public KeystoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
