package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.crypto.keystore.Ed25519Keystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kinds of operator key, the environment variable holding each one's keystore password, and how
 * to tell their keystore files apart without a password.
 */
public enum KeyType {
  BLS(PasswordSource.BLS_ENV, "BLS (BN254) keystore"),
  ECDSA(PasswordSource.ECDSA_ENV, "ECDSA keystore (Web3 Secret Storage)"),
  ED25519(Ed25519Keystore.PASSWORD_ENV, "Ed25519 consensus keystore");

  /**
   * Shortest keystore password {@code keys create} and {@code keys import} accept. A keystore file
   * is often copied around; scrypt slows guessing down, it does not make a short password safe.
   */
  public static final int MIN_PASSWORD_LENGTH = 8;

  private final String passwordEnv;
  private final String description;

  KeyType(String passwordEnv, String description) {
    this.passwordEnv = passwordEnv;
    this.description = description;
  }

  public String passwordEnv() {
    return passwordEnv;
  }

  /** In words, for messages ("an ECDSA keystore (Web3 Secret Storage)"). */
  public String description() {
    return description;
  }

  /** The lower-case name used on the command line ({@code bls}, {@code ecdsa}, {@code ed25519}). */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The kind of a parsed keystore file: ours for Ed25519 carry {@code keyType: ed25519}, eigensdk
   * BLS keystores have {@code pubKey}, Web3 Secret Storage has {@code version} 3 (and usually
   * {@code address}); empty when it is none of these.
   */
  public static Optional<KeyType> kindOf(JsonNode keystore) {
    if (!keystore.isObject()) {
      return Optional.empty();
    }
    if (Ed25519Keystore.KEY_TYPE.equals(keystore.path("keyType").asText())) {
      return Optional.of(ED25519);
    }
    if (keystore.has("pubKey")) {
      return Optional.of(BLS);
    }
    if (keystore.has("address") || keystore.path("version").asInt() == 3) {
      return Optional.of(ECDSA);
    }
    return Optional.empty();
  }

  static KeyType detect(JsonNode keystore, Path file) {
    return kindOf(keystore)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    file
                        + " is not a keystore cvm-avs knows: neither an eigensdk BLS keystore (no"
                        + " 'pubKey'), a Web3 Secret Storage file (no 'version': 3) nor an Ed25519"
                        + " keystore (no 'keyType': 'ed25519')"));
  }
}
