package io.cvmavs.crypto.keystore;

/**
 * The keystore file is malformed or inconsistent: bad JSON, missing fields, unknown cipher or KDF,
 * or a public key that does not match the decrypted secret.
 */
public class CorruptKeystoreException extends KeystoreException {
  public CorruptKeystoreException(String message) {
    super(message);
  }

  public CorruptKeystoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
