package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * An Ed25519 key (the operator's consensus key, a CometBFT validator key) in an encrypted keystore:
 * {@code {"keyType":"ed25519","publicKey":"0x<32 bytes>","crypto":{...},"version":1}}, where crypto
 * is the same geth V3 crypto section as the ECDSA and BLS keystores, over the 32-byte RFC 8032
 * seed. The public key is readable without the password, like the BLS keystore's {@code pubKey}.
 */
public final class Ed25519Keystore {
  /** The {@code keyType} value that marks the format. */
  public static final String KEY_TYPE = "ed25519";

  /** Environment variable with the keystore password. */
  public static final String PASSWORD_ENV = "OPERATOR_ED25519_KEY_PASSWORD";

  private static final HexFormat HEX = HexFormat.of();

  private Ed25519Keystore() {}

  /** A 32-byte Ed25519 seed and the public key derived from it (RFC 8032). */
  public record Key(byte[] seed, byte[] publicKey) {
    public Key {
      if (seed.length != 32) {
        throw new KeystoreException("an Ed25519 seed is 32 bytes, got " + seed.length);
      }
      seed = seed.clone();
      publicKey = publicKey.clone();
    }

    /** Derives the public key of {@code seed}. */
    public static Key fromSeed(byte[] seed) {
      if (seed.length != 32) {
        throw new KeystoreException("an Ed25519 seed is 32 bytes, got " + seed.length);
      }
      return new Key(
          seed, new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded());
    }

    public static Key generate(SecureRandom random) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      try {
        return fromSeed(seed);
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    }

    @Override
    public byte[] seed() {
      return seed.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    /** {@code 0x} + 64 hex digits. */
    public String publicKeyHex() {
      return "0x" + HEX.formatHex(publicKey);
    }

    @Override
    public String toString() {
      return "Ed25519Key[" + publicKeyHex() + "]";
    }
  }

  /**
   * Encrypts {@code key} into a new keystore file (atomic write, owner-only permissions).
   *
   * @throws KeystoreException if the file exists or cannot be written
   */
  public static void write(
      Path file, Key key, char[] password, ScryptParams params, SecureRandom random) {
    byte[] seed = key.seed();
    ObjectNode json = KeystoreFiles.JSON.createObjectNode();
    json.put("keyType", KEY_TYPE);
    json.put("publicKey", key.publicKeyHex());
    try {
      json.set("crypto", SecretStorage.encrypt(seed, password, params, random));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
    json.put("version", 1);
    KeystoreFiles.writeNew(file, json);
  }

  /**
   * Decrypts a keystore and checks that its publicKey matches the seed.
   *
   * @throws WrongPasswordException if the password is wrong
   * @throws CorruptKeystoreException if the file is malformed or the publicKey does not match
   */
  public static Key read(Path file, char[] password) {
    JsonNode json = KeystoreFiles.read(file);
    if (!KEY_TYPE.equals(json.path("keyType").asText())) {
      throw new CorruptKeystoreException(
          "keystore " + file + " is not an Ed25519 keystore (keyType is not 'ed25519')");
    }
    byte[] declared =
        SecretStorage.hex(
            SecretStorage.text(json, "publicKey", file.toString()), "publicKey", file.toString());
    byte[] seed = SecretStorage.decrypt(json.get("crypto"), password, file.toString());
    try {
      if (seed.length != 32) {
        throw new CorruptKeystoreException(
            "keystore " + file + " does not decrypt to a 32-byte Ed25519 seed");
      }
      Key key = Key.fromSeed(seed);
      if (!Arrays.equals(declared, key.publicKey)) {
        throw new CorruptKeystoreException(
            "keystore " + file + ": publicKey does not match the decrypted seed");
      }
      return key;
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The public key declared in the keystore (no password needed), {@code 0x}-prefixed hex. */
  public static String readPublicKey(Path file) {
    JsonNode json = KeystoreFiles.read(file);
    return SecretStorage.text(json, "publicKey", file.toString());
  }
}
