package io.cvmavs.storage.arweave;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.crypto.keystore.JwkKeystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.crypto.keystore.ScryptParams;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;

/**
 * An Arweave wallet: an RSA-4096 key as a JWK ({@code kty, n, e, d, p, q, dp, dq, qi}, base64url),
 * the format arweave-js and the Arweave wallet tools read and write. Signs with RSASSA-PSS
 * (SHA-256, MGF1-SHA-256, 32-byte salt); the address is base64url(SHA-256(n)).
 */
public final class ArweaveWallet {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RSAPrivateCrtKey key;

  private ArweaveWallet(RSAPrivateCrtKey key) {
    this.key = key;
  }

  /** A fresh RSA-4096 key with exponent 65537. */
  public static ArweaveWallet generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(new RSAKeyGenParameterSpec(4096, RSAKeyGenParameterSpec.F4));
      return new ArweaveWallet((RSAPrivateCrtKey) g.generateKeyPair().getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a wallet file: a plain JWK, or a JWK keystore ({@link JwkKeystore}: encrypted, its
   * password asked of {@code passwords} only then; the decrypted key must have the address the
   * keystore declares). The password and the key are never logged.
   */
  public static ArweaveWallet read(Path file, PasswordSource passwords) {
    JsonNode json;
    try {
      json = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the Arweave key " + file + ": " + e.getMessage(), e);
    }
    if (!JwkKeystore.isKeystore(json)) {
      return read(file);
    }
    char[] password = passwords.password("the Arweave keystore " + file);
    byte[] jwk = JwkKeystore.read(file, password);
    java.util.Arrays.fill(password, '\0');
    try {
      ArweaveWallet w = fromJwk(JSON.readTree(jwk));
      String declared = JwkKeystore.address(file);
      if (!declared.equals(w.address())) {
        throw new IllegalArgumentException(
            "the Arweave keystore "
                + file
                + " declares address "
                + declared
                + " but its key's address is "
                + w.address());
      }
      return w;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the Arweave keystore " + file + " does not hold a JWK: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(jwk, (byte) 0);
    }
  }

  /** Writes the key as an encrypted JWK keystore (owner-only permissions; never overwrites). */
  public void writeKeystore(Path file, char[] password, ScryptParams params) throws IOException {
    byte[] jwk = JSON.writeValueAsBytes(jwk());
    try {
      JwkKeystore.write(file, jwk, address(), password, params, new java.security.SecureRandom());
    } finally {
      java.util.Arrays.fill(jwk, (byte) 0);
    }
  }

  /** Reads a JWK file; the message names the missing or malformed field. */
  public static ArweaveWallet read(Path jwkFile) {
    try {
      return fromJwk(JSON.readTree(Files.readAllBytes(jwkFile)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read the Arweave key " + jwkFile + ": " + e.getMessage(), e);
    }
  }

  public static ArweaveWallet fromJwk(JsonNode jwk) {
    if (!"RSA".equals(jwk.path("kty").asText())) {
      throw new IllegalArgumentException("JWK field 'kty' must be \"RSA\"");
    }
    try {
      RSAPrivateCrtKeySpec spec =
          new RSAPrivateCrtKeySpec(
              big(jwk, "n"),
              big(jwk, "e"),
              big(jwk, "d"),
              big(jwk, "p"),
              big(jwk, "q"),
              big(jwk, "dp"),
              big(jwk, "dq"),
              big(jwk, "qi"));
      RSAPrivateCrtKey k = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(spec);
      if (k.getModulus().bitLength() != 4096) {
        throw new IllegalArgumentException(
            "JWK field 'n' has " + k.getModulus().bitLength() + " bits; Arweave keys have 4096");
      }
      return new ArweaveWallet(k);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("JWK is not a valid RSA private key: " + e.getMessage());
    }
  }

  private static BigInteger big(JsonNode jwk, String field) {
    JsonNode v = jwk.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("JWK field '" + field + "' is missing");
    }
    return new BigInteger(1, UNB64.decode(v.asText()));
  }

  /** Writes the JWK (owner-only permissions; refuses to overwrite). */
  public void write(Path jwkFile) throws IOException {
    DurableFiles.createNew(jwkFile, JSON.writeValueAsBytes(jwk()), true);
  }

  public ObjectNode jwk() {
    ObjectNode n = JSON.createObjectNode();
    n.put("kty", "RSA");
    n.put("n", b64(key.getModulus()));
    n.put("e", b64(key.getPublicExponent()));
    n.put("d", b64(key.getPrivateExponent()));
    n.put("p", b64(key.getPrimeP()));
    n.put("q", b64(key.getPrimeQ()));
    n.put("dp", b64(key.getPrimeExponentP()));
    n.put("dq", b64(key.getPrimeExponentQ()));
    n.put("qi", b64(key.getCrtCoefficient()));
    return n;
  }

  /** The owner field: the modulus n, 512 bytes big-endian. */
  public byte[] owner() {
    return unsigned(key.getModulus(), 512);
  }

  public String address() {
    try {
      return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(owner()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) over {@code message}; 512 bytes. */
  public byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(PSS);
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-PSS signing failed: " + e.getMessage(), e);
    }
  }

  /**
   * True when {@code signature} is this scheme's signature of {@code message} by the key whose
   * modulus is {@code owner} (exponent 65537, as every Arweave key).
   */
  public static boolean verify(byte[] owner, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(PSS);
      s.initVerify(
          KeyFactory.getInstance("RSA")
              .generatePublic(
                  new java.security.spec.RSAPublicKeySpec(
                      new BigInteger(1, owner), RSAKeyGenParameterSpec.F4)));
      s.update(message);
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-PSS verification failed: " + e.getMessage(), e);
    }
  }

  static final PSSParameterSpec PSS =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);

  private static String b64(BigInteger v) {
    byte[] b = v.toByteArray();
    int off = b.length > 1 && b[0] == 0 ? 1 : 0;
    return B64.encodeToString(java.util.Arrays.copyOfRange(b, off, b.length));
  }

  static byte[] unsigned(BigInteger v, int length) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(b.length, length);
    System.arraycopy(b, b.length - copy, out, length - copy, copy);
    return out;
  }
}
