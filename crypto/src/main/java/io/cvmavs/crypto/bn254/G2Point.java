package io.cvmavs.crypto.bn254;

import io.cvmavs.crypto.InvalidPointException;
import io.cvmavs.crypto.MalformedEncodingException;
import java.math.BigInteger;

/**
 * An affine point of G2, the order-r subgroup of the sextic twist E'(F_p2): y² = x³ + 3/ξ, ξ = 9 +
 * u. Immutable and always valid: every factory checks the curve equation and subgroup membership.
 *
 * <p>EVM encoding (precompile 0x08, Solidity {@code BN254.G2Point}): 128 bytes, <b>imaginary part
 * first</b>: x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0, each a 32-byte big-endian integer below p; infinity is all
 * zeros. In Solidity the point is {@code X = [x.c1, x.c0], Y = [y.c1, y.c0]}.
 */
public final class G2Point {
  public static final int ENCODED_LENGTH = 128;

  /** b' = 3/ξ. */
  public static final Fp2 B = Fp2.of(BigInteger.valueOf(3), BigInteger.ZERO).mul(Fp2.XI.inverse());

  public static final G2Point INFINITY = new G2Point(Fp2.ZERO, Fp2.ZERO);

  /** The generator used by EIP-197 and EigenLayer. */
  public static final G2Point GENERATOR =
      new G2Point(
          Fp2.of(
              new BigInteger(
                  "10857046999023057135944570762232829481370756359578518086990519993285655852781"),
              new BigInteger(
                  "11559732032986387107991004021392285783925812861821192530917403151452391805634")),
          Fp2.of(
              new BigInteger(
                  "8495653923123431417604973247489272438418190587263600148770280649306958101930"),
              new BigInteger(
                  "4082367875863433681332203403145435568316851327593401208105741076214120093531")));

  final Fp2 x;
  final Fp2 y;

  G2Point(Fp2 x, Fp2 y) {
    this.x = x;
    this.y = y;
  }

  /**
   * The point (x0 + x1·u, y0 + y1·u) from canonical coordinates; all zeros is infinity.
   *
   * @throws MalformedEncodingException if a coordinate is not in [0, p)
   * @throws InvalidPointException if the point is not on the twist or not in the order-r subgroup
   */
  public static G2Point of(BigInteger x0, BigInteger x1, BigInteger y0, BigInteger y1) {
    return of(
        new Fp2(G1Point.coordinate(x0, "x.c0"), G1Point.coordinate(x1, "x.c1")),
        new Fp2(G1Point.coordinate(y0, "y.c0"), G1Point.coordinate(y1, "y.c1")));
  }

  /**
   * The point (x, y); (0, 0) is infinity.
   *
   * @throws InvalidPointException if the point is not on the twist or not in the order-r subgroup
   */
  public static G2Point of(Fp2 x, Fp2 y) {
    if (x.isZero() && y.isZero()) {
      return INFINITY;
    }
    if (!isOnCurve(x, y)) {
      throw new InvalidPointException(
          "G2 point (" + x + ", " + y + ") is not on the twist curve y^2 = x^3 + 3/(9+u)");
    }
    G2Point p = new G2Point(x, y);
    if (!p.isInSubgroup()) {
      throw new InvalidPointException(
          "G2 point (" + x + ", " + y + ") is on the twist but not in the order-r subgroup G2");
    }
    return p;
  }

  static boolean isOnCurve(Fp2 x, Fp2 y) {
    return y.square().equals(x.square().mul(x).add(B));
  }

  /**
   * Parses the 128-byte EVM encoding (imaginary parts first).
   *
   * @throws MalformedEncodingException if the length is not 128 or a coordinate is not below p
   * @throws InvalidPointException if the point is not on the twist or not in G2
   */
  public static G2Point fromEvmBytes(byte[] in) {
    if (in.length != ENCODED_LENGTH) {
      throw new MalformedEncodingException("G2 point encoding must be 128 bytes, got " + in.length);
    }
    return fromEvmBytes(in, 0);
  }

  /** Parses the 128-byte EVM encoding at {@code offset} of a longer buffer. */
  public static G2Point fromEvmBytes(byte[] in, int offset) {
    if (in.length - offset < ENCODED_LENGTH) {
      throw new MalformedEncodingException(
          "G2 point encoding truncated: need 128 bytes at offset "
              + offset
              + ", have "
              + (in.length - offset));
    }
    Fp x1 = Fp.fromBytes(in, offset);
    Fp x0 = Fp.fromBytes(in, offset + 32);
    Fp y1 = Fp.fromBytes(in, offset + 64);
    Fp y0 = Fp.fromBytes(in, offset + 96);
    return of(new Fp2(x0, x1), new Fp2(y0, y1));
  }

  /** 128-byte EVM encoding x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0 (zeros for infinity). */
  public byte[] toEvmBytes() {
    byte[] out = new byte[ENCODED_LENGTH];
    writeEvmTo(out, 0);
    return out;
  }

  public void writeEvmTo(byte[] out, int offset) {
    x.c1.writeTo(out, offset);
    x.c0.writeTo(out, offset + 32);
    y.c1.writeTo(out, offset + 64);
    y.c0.writeTo(out, offset + 96);
  }

  /** x in EVM order: {x.c1, x.c0}. */
  public BigInteger[] evmX() {
    return new BigInteger[] {x.c1.toBigInteger(), x.c0.toBigInteger()};
  }

  /** y in EVM order: {y.c1, y.c0}. */
  public BigInteger[] evmY() {
    return new BigInteger[] {y.c1.toBigInteger(), y.c0.toBigInteger()};
  }

  public Fp2 xFp2() {
    return x;
  }

  public Fp2 yFp2() {
    return y;
  }

  public boolean isInfinity() {
    return x.isZero() && y.isZero();
  }

  private static final BigInteger U = BigInteger.valueOf(Bn254.U);

  /**
   * Membership in G2 by the endomorphism test of El Housni–Guillevic–Piellard (ePrint 2022/348,
   * §5.1, for BN254): Q ∈ G2 iff [u + 1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q). One 63-bit scalar
   * multiplication instead of the 254-bit [r]Q. The left minus the right side is an endomorphism of
   * the cyclic group E'(F_p2) of square-free order h·r; its kernel is exactly G2 when it vanishes
   * on a generator of G2 and on no point of order ℓ for each prime ℓ | h. The tests check exactly
   * that (and agreement with {@link #isInSubgroupByOrder} on random twist points).
   */
  boolean isInSubgroup() {
    if (isInfinity()) {
      return true;
    }
    G2Jacobian q = G2Jacobian.of(this);
    G2Jacobian uq = q.mul(U);
    G2Jacobian psiUq = uq.psi();
    G2Jacobian lhs = uq.add(q).add(psiUq).add(psiUq.psi());
    G2Jacobian rhs = uq.dbl().psi().psi().psi();
    return lhs.equalsPoint(rhs);
  }

  /** r·this = infinity: the definition, kept as the reference for {@link #isInSubgroup}. */
  boolean isInSubgroupByOrder() {
    return G2Jacobian.of(this).mul(Bn254.R).isInfinity();
  }

  public G2Point add(G2Point q) {
    return G2Jacobian.of(this).addAffine(q).toAffine();
  }

  /**
   * The sum of the given points (e.g. an aggregate public key), with one inversion at the end;
   * infinity for none.
   */
  public static G2Point sum(Iterable<G2Point> points) {
    return new FlatTower().sumG2(points).toAffine();
  }

  public G2Point negate() {
    return isInfinity() ? this : new G2Point(x, y.neg());
  }

  /**
   * k·this; the result only depends on k mod r (points of this class are in G2). By GLS ({@link
   * G2Jacobian#mulInG2}).
   */
  public G2Point mul(BigInteger k) {
    return G2Jacobian.of(this).mulInG2(k.mod(Bn254.R)).toAffine();
  }

  public G2Jacobian toJacobian() {
    return G2Jacobian.of(this);
  }

  /**
   * Returns this point unless it is infinity.
   *
   * @throws InvalidPointException naming {@code what} if this is the point at infinity
   */
  public G2Point requireNotInfinity(String what) {
    if (isInfinity()) {
      throw new InvalidPointException(
          what + " is the G2 point at infinity, which is not allowed here");
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof G2Point p && p.x.equals(x) && p.y.equals(y);
  }

  @Override
  public int hashCode() {
    return x.hashCode() * 31 + y.hashCode();
  }

  @Override
  public String toString() {
    return isInfinity() ? "G2(infinity)" : "G2(" + x + ", " + y + ")";
  }
}
