package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.crypto.keystore.PasswordSource;
import java.nio.file.Path;

/**
 * The two kinds of operator key and the environment variable holding each one's keystore password.
 */
public enum KeyType {
  BLS(PasswordSource.BLS_ENV),
  ECDSA(PasswordSource.ECDSA_ENV);

  private final String passwordEnv;

  KeyType(String passwordEnv) {
    this.passwordEnv = passwordEnv;
  }

  public String passwordEnv() {
    return passwordEnv;
  }

  /**
   * eigensdk BLS keystores have {@code pubKey}; Web3 Secret Storage has {@code version} 3 (and
   * usually address).
   */
  static KeyType detect(JsonNode keystore, Path file) {
    if (keystore.has("pubKey")) {
      return BLS;
    }
    if (keystore.has("address") || keystore.path("version").asInt() == 3) {
      return ECDSA;
    }
    throw new IllegalArgumentException(
        file
            + " is neither an eigensdk BLS keystore (no 'pubKey') nor a Web3 Secret Storage file (no 'version': 3)");
  }
}
