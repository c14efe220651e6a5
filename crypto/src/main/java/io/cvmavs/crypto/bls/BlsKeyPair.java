package io.cvmavs.crypto.bls;

import io.cvmavs.crypto.InvalidScalarException;
import io.cvmavs.crypto.MalformedEncodingException;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A BLS key pair as EigenLayer uses it: secret key sk in [1, r), public keys sk·G1 and sk·G2.
 * Immutable. {@link #toString()} never shows the secret.
 */
public final class BlsKeyPair {
  private final BigInteger secret;
  private final G1Point publicKeyG1;
  private final G2Point publicKeyG2;

  private BlsKeyPair(BigInteger secret) {
    this.secret = secret;
    this.publicKeyG1 = G1Point.GENERATOR.mul(secret);
    this.publicKeyG2 = G2Point.GENERATOR.mul(secret);
  }

  /** A fresh key pair with sk uniform in [1, r). */
  public static BlsKeyPair generate(SecureRandom random) {
    while (true) {
      BigInteger sk = new BigInteger(Bn254.R.bitLength(), random);
      if (sk.signum() > 0 && sk.compareTo(Bn254.R) < 0) {
        return new BlsKeyPair(sk);
      }
    }
  }

  /**
   * The key pair of a known secret.
   *
   * @throws InvalidScalarException if sk is not in [1, r)
   */
  public static BlsKeyPair fromSecret(BigInteger sk) {
    if (sk.signum() <= 0 || sk.compareTo(Bn254.R) >= 0) {
      throw new InvalidScalarException(
          "BLS secret key must be in [1, r); got a value " + (sk.signum() <= 0 ? "<= 0" : ">= r"));
    }
    return new BlsKeyPair(sk);
  }

  /**
   * The key pair of a 32-byte big-endian secret (the keystore payload).
   *
   * @throws MalformedEncodingException if not 32 bytes
   * @throws InvalidScalarException if the value is not in [1, r)
   */
  public static BlsKeyPair fromSecretBytes(byte[] sk) {
    if (sk.length != 32) {
      throw new MalformedEncodingException("BLS secret key must be 32 bytes, got " + sk.length);
    }
    return fromSecret(new BigInteger(1, sk));
  }

  /** The secret scalar. Handle with care. */
  public BigInteger secret() {
    return secret;
  }

  /** The secret as 32 big-endian bytes (the keystore payload). */
  public byte[] secretBytes() {
    byte[] raw = secret.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  public G1Point publicKeyG1() {
    return publicKeyG1;
  }

  public G2Point publicKeyG2() {
    return publicKeyG2;
  }

  /** keccak256(pkG1.X ‖ pkG1.Y). */
  public byte[] operatorId() {
    return Bls.operatorId(publicKeyG1);
  }

  /** σ = sk·hashToG1(digest). */
  public G1Point sign(byte[] digest) {
    return signPoint(HashToG1.hash(digest));
  }

  /** σ = sk·m for an already hashed message point m. */
  public G1Point signPoint(G1Point message) {
    return message.mul(secret);
  }

  @Override
  public String toString() {
    return "BlsKeyPair[pubkeyG1=" + publicKeyG1 + "]";
  }
}
