package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.CorruptKeystoreException;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.Ed25519Keystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.operator.command.CliContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.web3j.crypto.ECKeyPair;

/**
 * Opens keystores (keys, operator, node and aggregator commands) with the password from the
 * environment or a prompt.
 */
public final class KeystoreAccess {
  private final CliContext context;

  public KeystoreAccess(CliContext context) {
    this.context = context;
  }

  static JsonNode readJson(Path file) {
    try {
      return KeyJson.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new CorruptKeystoreException("cannot read keystore " + file + ": " + e.getMessage());
    }
  }

  public BlsKeyPair openBls(Path file) {
    char[] password = password(KeyType.BLS, file);
    try {
      return BlsKeystore.read(file, password);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  public ECKeyPair openEcdsa(Path file) {
    char[] password = password(KeyType.ECDSA, file);
    try {
      return EcdsaKeystore.read(file, password);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  public Ed25519Keystore.Key openEd25519(Path file) {
    char[] password = password(KeyType.ED25519, file);
    try {
      return Ed25519Keystore.read(file, password);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] password(KeyType type, Path file) {
    return PasswordSource.envOrPrompt(
            type.passwordEnv(), context.environment(), PasswordSource.console())
        .password(type.name() + " keystore " + file);
  }
}
