package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * ECDSA (secp256k1) keys in standard Web3 Secret Storage (keystore V3, as geth, web3j and eigensdk
 * write it): {@code {"address":"<40 hex>","crypto":{...},"id":"<uuid>","version":3}} over the
 * 32-byte private key.
 */
public final class EcdsaKeystore {
  private EcdsaKeystore() {}

  /**
   * Encrypts {@code key} into a new keystore file (atomic write, owner-only permissions).
   *
   * @return the EIP-55 checksummed address
   */
  public static String write(
      Path file, ECKeyPair key, char[] password, ScryptParams params, SecureRandom random) {
    byte[] secret = Numeric.toBytesPadded(key.getPrivateKey(), 32);
    ObjectNode json = KeystoreFiles.JSON.createObjectNode();
    String address = Keys.getAddress(key).toLowerCase(Locale.ROOT);
    json.put("address", address);
    try {
      json.set("crypto", SecretStorage.encrypt(secret, password, params, random));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    byte[] idBytes = new byte[16];
    random.nextBytes(idBytes);
    idBytes[6] = (byte) ((idBytes[6] & 0x0f) | 0x40);
    idBytes[8] = (byte) ((idBytes[8] & 0x3f) | 0x80);
    json.put("id", uuid(idBytes).toString());
    json.put("version", 3);
    KeystoreFiles.writeNew(file, json);
    return Keys.toChecksumAddress(address);
  }

  /**
   * Decrypts a Web3 Secret Storage file; if it names an address, checks it against the key.
   *
   * @throws WrongPasswordException if the password is wrong
   * @throws CorruptKeystoreException if the file is malformed, not version 3, or the address does
   *     not match
   */
  public static ECKeyPair read(Path file, char[] password) {
    JsonNode json = KeystoreFiles.read(file);
    JsonNode version = json.get("version");
    if (version == null || version.asInt() != 3) {
      throw new CorruptKeystoreException("keystore " + file + " is not a version 3 keystore");
    }
    JsonNode crypto = json.has("crypto") ? json.get("crypto") : json.get("Crypto");
    byte[] secret = SecretStorage.decrypt(crypto, password, file.toString());
    ECKeyPair key;
    try {
      BigInteger d = new BigInteger(1, secret);
      if (secret.length != 32 || d.signum() == 0) {
        throw new CorruptKeystoreException(
            "keystore " + file + " does not decrypt to a 32-byte private key");
      }
      key = ECKeyPair.create(d);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    JsonNode address = json.get("address");
    if (address != null
        && !Numeric.cleanHexPrefix(address.asText()).equalsIgnoreCase(Keys.getAddress(key))) {
      throw new CorruptKeystoreException(
          "keystore "
              + file
              + ": address "
              + address.asText()
              + " does not match the decrypted key");
    }
    return key;
  }

  /** The EIP-55 address of the decrypted key. */
  public static String address(ECKeyPair key) {
    return Keys.toChecksumAddress(Keys.getAddress(key));
  }

  private static UUID uuid(byte[] b) {
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (b[i] & 0xff);
      lo = (lo << 8) | (b[8 + i] & 0xff);
    }
    return new UUID(hi, lo);
  }
}
