package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.crypto.CryptoException;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * eigensdk's BLS keystore: {@code {"pubKey":"E([x,y])","crypto":{...}}}, where pubKey is the G1
 * public key in decimal (gnark's {@code G1Affine.String()}) and crypto is a geth V3 crypto section
 * over the 32-byte big-endian secret.
 */
public final class BlsKeystore {
  private static final Pattern PUBKEY =
      Pattern.compile("E\\(\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\]\\)");

  private BlsKeystore() {}

  /**
   * Encrypts {@code key} into a new keystore file (atomic write, owner-only permissions).
   *
   * @throws KeystoreException if the file exists or cannot be written
   */
  public static void write(
      Path file, BlsKeyPair key, char[] password, ScryptParams params, SecureRandom random) {
    byte[] secret = key.secretBytes();
    ObjectNode json = KeystoreFiles.JSON.createObjectNode();
    json.put("pubKey", formatPublicKey(key.publicKeyG1()));
    try {
      json.set("crypto", SecretStorage.encrypt(secret, password, params, random));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    KeystoreFiles.writeNew(file, json);
  }

  /**
   * Decrypts a keystore and checks that its pubKey matches the secret.
   *
   * @throws WrongPasswordException if the password is wrong
   * @throws CorruptKeystoreException if the file is malformed or the pubKey does not match
   */
  public static BlsKeyPair read(Path file, char[] password) {
    JsonNode json = KeystoreFiles.read(file);
    G1Point declared = parsePublicKey(SecretStorage.text(json, "pubKey", file.toString()), file);
    byte[] secret = SecretStorage.decrypt(json.get("crypto"), password, file.toString());
    BlsKeyPair key;
    try {
      key = BlsKeyPair.fromSecretBytes(secret);
    } catch (CryptoException e) {
      throw new CorruptKeystoreException(
          "keystore " + file + " decrypts to an invalid BLS secret: " + e.getMessage(), e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    if (!key.publicKeyG1().equals(declared)) {
      throw new CorruptKeystoreException(
          "keystore " + file + ": pubKey does not match the decrypted secret key");
    }
    return key;
  }

  /** The G1 public key declared in the keystore (no password needed). */
  public static G1Point readPublicKey(Path file) {
    JsonNode json = KeystoreFiles.read(file);
    return parsePublicKey(SecretStorage.text(json, "pubKey", file.toString()), file);
  }

  /** "E([x,y])" with decimal coordinates, as eigensdk writes it. */
  public static String formatPublicKey(G1Point pk) {
    return "E([" + pk.x() + "," + pk.y() + "])";
  }

  static G1Point parsePublicKey(String s, Path file) {
    Matcher m = PUBKEY.matcher(s.trim());
    if (!m.matches()) {
      throw new CorruptKeystoreException(
          "keystore " + file + ": pubKey is not of the form E([x,y]): " + s);
    }
    try {
      return G1Point.of(new BigInteger(m.group(1)), new BigInteger(m.group(2)));
    } catch (CryptoException e) {
      throw new CorruptKeystoreException(
          "keystore " + file + ": pubKey is not a valid G1 point: " + e.getMessage(), e);
    }
  }
}
