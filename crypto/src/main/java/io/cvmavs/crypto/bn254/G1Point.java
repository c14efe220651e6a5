package io.cvmavs.crypto.bn254;

import io.cvmavs.crypto.InvalidPointException;
import io.cvmavs.crypto.MalformedEncodingException;
import java.math.BigInteger;

/**
 * An affine point of G1 = E(F_p), E: y² = x³ + 3 (cofactor 1, so every curve point is in the
 * subgroup). Immutable and always valid: every factory checks the curve equation.
 *
 * <p>EVM encoding (precompiles 0x06–0x08, Solidity {@code BN254.G1Point}): 64 bytes, x ‖ y, each a
 * 32-byte big-endian integer below p; the point at infinity is all zeros.
 */
public final class G1Point {
  public static final int ENCODED_LENGTH = 64;
  public static final Fp B = Fp.of(3);

  /** The point at infinity (encoded as (0, 0)). */
  public static final G1Point INFINITY = new G1Point(Fp.ZERO, Fp.ZERO);

  /** The generator (1, 2). */
  public static final G1Point GENERATOR = new G1Point(Fp.ONE, Fp.of(2));

  final Fp x;
  final Fp y;

  G1Point(Fp x, Fp y) {
    this.x = x;
    this.y = y;
  }

  /**
   * The point (x, y); (0, 0) is the point at infinity.
   *
   * @throws MalformedEncodingException if a coordinate is negative or not below p
   * @throws InvalidPointException if the point is not on the curve
   */
  public static G1Point of(BigInteger x, BigInteger y) {
    return of(coordinate(x, "x"), coordinate(y, "y"));
  }

  /**
   * The point (x, y); (0, 0) is the point at infinity.
   *
   * @throws InvalidPointException if the point is not on the curve
   */
  public static G1Point of(Fp x, Fp y) {
    if (x.isZero() && y.isZero()) {
      return INFINITY;
    }
    if (!isOnCurve(x, y)) {
      throw new InvalidPointException(
          "G1 point (" + x + ", " + y + ") is not on the curve y^2 = x^3 + 3");
    }
    return new G1Point(x, y);
  }

  static Fp coordinate(BigInteger v, String name) {
    if (v.signum() < 0 || v.compareTo(Fp.P) >= 0) {
      throw new MalformedEncodingException("coordinate " + name + " = " + v + " is not in [0, p)");
    }
    return Fp.of(v);
  }

  static boolean isOnCurve(Fp x, Fp y) {
    return y.square().equals(x.square().mul(x).add(B));
  }

  /**
   * Parses the 64-byte EVM encoding.
   *
   * @throws MalformedEncodingException if the length is not 64 or a coordinate is not below p
   * @throws InvalidPointException if the point is not on the curve
   */
  public static G1Point fromBytes(byte[] in) {
    if (in.length != ENCODED_LENGTH) {
      throw new MalformedEncodingException("G1 point encoding must be 64 bytes, got " + in.length);
    }
    return fromBytes(in, 0);
  }

  /** Parses the 64-byte EVM encoding at {@code offset} of a longer buffer. */
  public static G1Point fromBytes(byte[] in, int offset) {
    if (in.length - offset < ENCODED_LENGTH) {
      throw new MalformedEncodingException(
          "G1 point encoding truncated: need 64 bytes at offset "
              + offset
              + ", have "
              + (in.length - offset));
    }
    return of(Fp.fromBytes(in, offset), Fp.fromBytes(in, offset + 32));
  }

  /** 64-byte EVM encoding x ‖ y (zeros for infinity). */
  public byte[] toBytes() {
    byte[] out = new byte[ENCODED_LENGTH];
    writeTo(out, 0);
    return out;
  }

  public void writeTo(byte[] out, int offset) {
    x.writeTo(out, offset);
    y.writeTo(out, offset + 32);
  }

  public boolean isInfinity() {
    return x.isZero() && y.isZero();
  }

  /** Canonical x coordinate (0 for infinity). */
  public BigInteger x() {
    return x.toBigInteger();
  }

  /** Canonical y coordinate (0 for infinity). */
  public BigInteger y() {
    return y.toBigInteger();
  }

  public Fp xFp() {
    return x;
  }

  public Fp yFp() {
    return y;
  }

  public G1Point add(G1Point q) {
    return G1Jacobian.of(this).addAffine(q).toAffine();
  }

  public G1Point negate() {
    return isInfinity() ? this : new G1Point(x, y.neg());
  }

  /**
   * k·this for any integer k (the EVM's 0x07 accepts any 256-bit k; the result only depends on k
   * mod r).
   */
  public G1Point mul(BigInteger k) {
    return G1Jacobian.of(this).mul(k.mod(Bn254.R)).toAffine();
  }

  public G1Jacobian toJacobian() {
    return G1Jacobian.of(this);
  }

  /**
   * Returns this point unless it is infinity.
   *
   * @throws InvalidPointException naming {@code what} if this is the point at infinity
   */
  public G1Point requireNotInfinity(String what) {
    if (isInfinity()) {
      throw new InvalidPointException(
          what + " is the G1 point at infinity, which is not allowed here");
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof G1Point p && p.x.equals(x) && p.y.equals(y);
  }

  @Override
  public int hashCode() {
    return x.hashCode() * 31 + y.hashCode();
  }

  @Override
  public String toString() {
    return isInfinity() ? "G1(infinity)" : "G1(" + x + ", " + y + ")";
  }
}
