package io.cvmavs.crypto.keystore;

/** The password does not open the keystore (the MAC over the ciphertext does not match). */
public class WrongPasswordException extends KeystoreException {
  public WrongPasswordException(String message) {
    super(message);
  }

  public WrongPasswordException(String message, Throwable cause) {
    super(message, cause);
  }
}
