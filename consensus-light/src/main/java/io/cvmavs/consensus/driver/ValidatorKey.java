package io.cvmavs.consensus.driver;

import io.cvmavs.consensus.light.Validator;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A validator's Ed25519 consensus key, held by the driver in memory (the harness signs every
 * validator's votes; a real node keeps its key in {@code priv_validator_key.json}). Never printed.
 */
public final class ValidatorKey {
  private final byte[] secret;
  private final byte[] publicKey;

  private ValidatorKey(byte[] secret) {
    this.secret = secret.clone();
    this.publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(this.secret, 0, publicKey, 0);
  }

  /** A key from a 32-byte seed (RFC 8032 secret key), for reproducible test networks. */
  public static ValidatorKey fromSeed(byte[] seed) {
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException(
          "an Ed25519 seed is " + Ed25519.SECRET_KEY_SIZE + " bytes, got " + seed.length);
    }
    return new ValidatorKey(seed);
  }

  public static ValidatorKey random(SecureRandom random) {
    byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    random.nextBytes(seed);
    return new ValidatorKey(seed);
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** SHA-256(public key)[:20], CometBFT's validator address. */
  public byte[] address() {
    return Validator.addressOf(publicKey);
  }

  public byte[] sign(byte[] message) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(secret, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  @Override
  public String toString() {
    return "ValidatorKey[" + java.util.HexFormat.of().withUpperCase().formatHex(address()) + "]";
  }
}
