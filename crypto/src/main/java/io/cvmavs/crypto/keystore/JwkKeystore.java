package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A JSON Web Key (e.g. an Arweave wallet's RSA JWK) encrypted like the project's other keystores:
 * {@code {"keyType": "jwk", "address": …, "crypto": {Web3 Secret Storage: scrypt, aes-128-ctr,
 * keccak MAC}, "version": 1}} over the JWK's JSON bytes. The {@code address} (whatever the key's
 * owner calls its public identity) is readable without the password. Passwords are never logged.
 */
public final class JwkKeystore {
  public static final String KEY_TYPE = "jwk";

  /** Environment variable holding an Arweave keystore's password. */
  public static final String ARWEAVE_PASSWORD_ENV = "ARWEAVE_KEY_PASSWORD";

  private JwkKeystore() {}

  /**
   * Encrypts {@code jwkJson} into a new keystore file (atomic write, owner-only permissions).
   *
   * @throws KeystoreException if the file exists or cannot be written
   */
  public static void write(
      Path file,
      byte[] jwkJson,
      String address,
      char[] password,
      ScryptParams params,
      SecureRandom random) {
    ObjectNode json = KeystoreFiles.JSON.createObjectNode();
    json.put("keyType", KEY_TYPE);
    json.put("address", address);
    json.set("crypto", SecretStorage.encrypt(jwkJson, password, params, random));
    json.put("version", 1);
    KeystoreFiles.writeNew(file, json);
  }

  /** True when {@code json} is a keystore of this kind (not a plain JWK). */
  public static boolean isKeystore(JsonNode json) {
    return KEY_TYPE.equals(json.path("keyType").asText()) && json.has("crypto");
  }

  /** The address the keystore declares (no password needed). */
  public static String address(Path file) {
    return SecretStorage.text(KeystoreFiles.read(file), "address", file.toString());
  }

  /**
   * The JWK's JSON bytes (the caller wipes them after use).
   *
   * @throws WrongPasswordException if the password is wrong
   * @throws CorruptKeystoreException if the file is malformed
   */
  public static byte[] read(Path file, char[] password) {
    JsonNode json = KeystoreFiles.read(file);
    if (!isKeystore(json)) {
      throw new CorruptKeystoreException(
          "keystore " + file + " is not a JWK keystore (keyType is not 'jwk')");
    }
    SecretStorage.text(json, "address", file.toString());
    byte[] out = SecretStorage.decrypt(json.get("crypto"), password, file.toString());
    if (out.length == 0 || out[0] != '{') {
      Arrays.fill(out, (byte) 0);
      throw new CorruptKeystoreException("keystore " + file + " does not decrypt to a JSON key");
    }
    return out;
  }
}
