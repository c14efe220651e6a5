package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;
import org.web3j.crypto.Hash;

/**
 * The {@code crypto} section of Web3 Secret Storage (geth keystore V3), shared by the ECDSA
 * keystore and eigensdk's BLS keystore: cipher aes-128-ctr with key = derivedKey[0:16], kdf scrypt
 * (written) or pbkdf2 with hmac-sha256 (read too), mac = keccak256(derivedKey[16:32] ‖ ciphertext).
 * Passwords are UTF-8 encoded.
 */
final class SecretStorage {
  private static final HexFormat HEX = HexFormat.of();

  private SecretStorage() {}

  static ObjectNode encrypt(
      byte[] secret, char[] password, ScryptParams params, SecureRandom random) {
    byte[] salt = new byte[32];
    byte[] iv = new byte[16];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] pw = utf8(password);
    byte[] dk;
    try {
      dk = SCrypt.generate(pw, salt, params.n(), params.r(), params.p(), 32);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    byte[] ciphertext = aesCtr(Arrays.copyOf(dk, 16), iv, secret);
    byte[] mac = mac(dk, ciphertext);
    Arrays.fill(dk, (byte) 0);
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode crypto = f.objectNode();
    crypto.put("cipher", "aes-128-ctr");
    crypto.put("ciphertext", HEX.formatHex(ciphertext));
    crypto.putObject("cipherparams").put("iv", HEX.formatHex(iv));
    crypto.put("kdf", "scrypt");
    ObjectNode kdf = crypto.putObject("kdfparams");
    kdf.put("dklen", 32);
    kdf.put("n", params.n());
    kdf.put("p", params.p());
    kdf.put("r", params.r());
    kdf.put("salt", HEX.formatHex(salt));
    crypto.put("mac", HEX.formatHex(mac));
    return crypto;
  }

  /**
   * Decrypts a crypto section.
   *
   * @param source names the keystore in error messages
   * @throws WrongPasswordException if the MAC does not match
   * @throws CorruptKeystoreException if the section is malformed or uses an unsupported cipher or
   *     KDF
   */
  static byte[] decrypt(JsonNode crypto, char[] password, String source) {
    if (crypto == null || !crypto.isObject()) {
      throw new CorruptKeystoreException("keystore " + source + " has no crypto section");
    }
    String cipher = text(crypto, "cipher", source);
    if (!cipher.equals("aes-128-ctr")) {
      throw new CorruptKeystoreException("keystore " + source + ": unsupported cipher " + cipher);
    }
    byte[] ciphertext = hex(text(crypto, "ciphertext", source), "ciphertext", source);
    JsonNode cp = crypto.get("cipherparams");
    byte[] iv = hex(text(cp, "iv", source), "cipherparams.iv", source);
    if (iv.length != 16) {
      throw new CorruptKeystoreException(
          "keystore " + source + ": iv must be 16 bytes, got " + iv.length);
    }
    byte[] mac = hex(text(crypto, "mac", source), "mac", source);
    String kdf = text(crypto, "kdf", source);
    JsonNode kp = crypto.get("kdfparams");
    if (kp == null || !kp.isObject()) {
      throw new CorruptKeystoreException("keystore " + source + " has no kdfparams");
    }
    int dklen = integer(kp, "dklen", source);
    if (dklen < 32) {
      throw new CorruptKeystoreException(
          "keystore " + source + ": dklen must be >= 32, got " + dklen);
    }
    byte[] salt = hex(text(kp, "salt", source), "kdfparams.salt", source);
    byte[] pw = utf8(password);
    byte[] dk;
    try {
      dk =
          switch (kdf) {
            case "scrypt" -> {
              int n = integer(kp, "n", source);
              int r = integer(kp, "r", source);
              int p = integer(kp, "p", source);
              try {
                yield SCrypt.generate(pw, salt, n, r, p, dklen);
              } catch (IllegalArgumentException e) {
                throw new CorruptKeystoreException(
                    "keystore " + source + ": invalid scrypt parameters: " + e.getMessage(), e);
              }
            }
            case "pbkdf2" -> {
              String prf = text(kp, "prf", source);
              if (!prf.equals("hmac-sha256")) {
                throw new CorruptKeystoreException(
                    "keystore " + source + ": unsupported pbkdf2 prf " + prf);
              }
              PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA256Digest());
              gen.init(pw, salt, integer(kp, "c", source));
              yield ((KeyParameter) gen.generateDerivedParameters(dklen * 8)).getKey();
            }
            default ->
                throw new CorruptKeystoreException(
                    "keystore " + source + ": unsupported kdf " + kdf);
          };
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    if (!MessageDigest.isEqual(mac(dk, ciphertext), mac)) {
      Arrays.fill(dk, (byte) 0);
      throw new WrongPasswordException("wrong password for keystore " + source + ": MAC mismatch");
    }
    byte[] plain = aesCtr(Arrays.copyOf(dk, 16), iv, ciphertext);
    Arrays.fill(dk, (byte) 0);
    return plain;
  }

  private static byte[] mac(byte[] dk, byte[] ciphertext) {
    byte[] buf = new byte[16 + ciphertext.length];
    System.arraycopy(dk, 16, buf, 0, 16);
    System.arraycopy(ciphertext, 0, buf, 16, ciphertext.length);
    return Hash.sha3(buf);
  }

  private static byte[] aesCtr(byte[] key, byte[] iv, byte[] in) {
    try {
      Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return c.doFinal(in);
    } catch (GeneralSecurityException e) {
      throw new KeystoreException("AES-128-CTR is not available in this JVM", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  static byte[] utf8(char[] password) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = Arrays.copyOfRange(bb.array(), bb.position(), bb.limit());
    Arrays.fill(bb.array(), (byte) 0);
    return out;
  }

  static String text(JsonNode node, String field, String source) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isTextual()) {
      throw new CorruptKeystoreException(
          "keystore " + source + ": missing or non-text field " + field);
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String field, String source) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new CorruptKeystoreException(
          "keystore " + source + ": missing or non-integer field " + field);
    }
    return v.asInt();
  }

  static byte[] hex(String s, String field, String source) {
    String h = s.startsWith("0x") ? s.substring(2) : s;
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new CorruptKeystoreException(
          "keystore " + source + ": field " + field + " is not hex", e);
    }
  }
}
