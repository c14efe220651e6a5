package io.cvmavs.crypto.bn254;

import io.cvmavs.crypto.MalformedEncodingException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * An element of the BN254 base field F_p, p =
 * 21888242871839275222246405745257275088696311157297823662689037894645226208583.
 *
 * <p>Immutable. Stored in Montgomery form (R = 2^256) as four little-endian 64-bit limbs;
 * multiplication is the coarsely integrated operand scanning (CIOS) Montgomery product, using the
 * "no carry" shortcut that holds because the top limb of p is below 2^63 - 1. Not constant time.
 */
public final class Fp {
  // Carries in the Montgomery product are detected with Long.compareUnsigned(sum, addend) < 0,
  // which C2 compiles to
  // a compare and a set-on-carry: measurably faster here than the branch-free bit formula used in
  // add/sub.
  /** The modulus p. */
  public static final BigInteger P =
      new BigInteger("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", 16);

  static final long P0 = P.longValue();
  static final long P1 = P.shiftRight(64).longValue();
  static final long P2 = P.shiftRight(128).longValue();
  static final long P3 = P.shiftRight(192).longValue();

  /** -p^-1 mod 2^64. */
  static final long INV = computeInv();

  private static final Fp R2 = rawLimbs(BigInteger.ONE.shiftLeft(512).mod(P));
  private static final Fp R3 = rawLimbs(BigInteger.ONE.shiftLeft(768).mod(P));

  public static final Fp ZERO = new Fp(0, 0, 0, 0);
  public static final Fp ONE = fromCanonical(BigInteger.ONE);
  private static final BigInteger P_MINUS_2 = P.subtract(BigInteger.TWO);
  private static final BigInteger SQRT_EXP = P.add(BigInteger.ONE).shiftRight(2);

  final long l0;
  final long l1;
  final long l2;
  final long l3;

  Fp(long l0, long l1, long l2, long l3) {
    this.l0 = l0;
    this.l1 = l1;
    this.l2 = l2;
    this.l3 = l3;
  }

  private static long computeInv() {
    long inv = 1;
    for (int i = 0; i < 7; i++) {
      inv *= 2 - P0 * inv;
    }
    return -inv;
  }

  private static Fp rawLimbs(BigInteger v) {
    return new Fp(
        v.longValue(),
        v.shiftRight(64).longValue(),
        v.shiftRight(128).longValue(),
        v.shiftRight(192).longValue());
  }

  /** The element v mod p (any integer, negative values included). */
  public static Fp of(BigInteger v) {
    return fromCanonical(v.mod(P));
  }

  /** The element v mod p. */
  public static Fp of(long v) {
    return of(BigInteger.valueOf(v));
  }

  private static Fp fromCanonical(BigInteger v) {
    return rawLimbs(v).mul(R2);
  }

  /**
   * Parses a canonical 32-byte big-endian field element.
   *
   * @throws MalformedEncodingException if the input is not 32 bytes or encodes a value >= p
   */
  public static Fp fromBytes(byte[] in, int offset) {
    if (in.length - offset < 32) {
      throw new MalformedEncodingException(
          "field element needs 32 bytes at offset "
              + offset
              + ", got "
              + Math.max(0, in.length - offset));
    }
    BigInteger v = new BigInteger(1, Arrays.copyOfRange(in, offset, offset + 32));
    if (v.compareTo(P) >= 0) {
      throw new MalformedEncodingException(
          "field element 0x" + v.toString(16) + " is not below the modulus p");
    }
    return fromCanonical(v);
  }

  /** Canonical value in [0, p) (leaves Montgomery form). */
  public BigInteger toBigInteger() {
    Fp n = mont(l0, l1, l2, l3, 1, 0, 0, 0);
    byte[] be = new byte[32];
    putLong(be, 0, n.l3);
    putLong(be, 8, n.l2);
    putLong(be, 16, n.l1);
    putLong(be, 24, n.l0);
    return new BigInteger(1, be);
  }

  /** 32-byte big-endian canonical encoding. */
  public byte[] toBytes() {
    byte[] out = new byte[32];
    writeTo(out, 0);
    return out;
  }

  /** Writes the 32-byte big-endian canonical encoding at {@code offset}. */
  public void writeTo(byte[] out, int offset) {
    Fp n = mont(l0, l1, l2, l3, 1, 0, 0, 0);
    putLong(out, offset, n.l3);
    putLong(out, offset + 8, n.l2);
    putLong(out, offset + 16, n.l1);
    putLong(out, offset + 24, n.l0);
  }

  private static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  public boolean isZero() {
    return (l0 | l1 | l2 | l3) == 0;
  }

  public boolean isOne() {
    return equals(ONE);
  }

  public Fp add(Fp y) {
    long s0 = l0 + y.l0;
    long c = ((l0 & y.l0) | ((l0 | y.l0) & ~s0)) >>> 63;
    long s1 = l1 + y.l1 + c;
    c = ((l1 & y.l1) | ((l1 | y.l1) & ~s1)) >>> 63;
    long s2 = l2 + y.l2 + c;
    c = ((l2 & y.l2) | ((l2 | y.l2) & ~s2)) >>> 63;
    long s3 = l3 + y.l3 + c;
    // p < 2^254, so the sum fits in 256 bits without a carry out
    return reduceOnce(s0, s1, s2, s3);
  }

  public Fp dbl() {
    return add(this);
  }

  public Fp sub(Fp y) {
    long d0 = l0 - y.l0;
    long b = ((~l0 & y.l0) | ((~l0 | y.l0) & d0)) >>> 63;
    long d1 = l1 - y.l1 - b;
    b = ((~l1 & y.l1) | ((~l1 | y.l1) & d1)) >>> 63;
    long d2 = l2 - y.l2 - b;
    b = ((~l2 & y.l2) | ((~l2 | y.l2) & d2)) >>> 63;
    long d3 = l3 - y.l3 - b;
    b = ((~l3 & y.l3) | ((~l3 | y.l3) & d3)) >>> 63;
    if (b != 0) {
      long e0 = d0 + P0;
      long c = ((d0 & P0) | ((d0 | P0) & ~e0)) >>> 63;
      long e1 = d1 + P1 + c;
      c = ((d1 & P1) | ((d1 | P1) & ~e1)) >>> 63;
      long e2 = d2 + P2 + c;
      c = ((d2 & P2) | ((d2 | P2) & ~e2)) >>> 63;
      long e3 = d3 + P3 + c;
      return new Fp(e0, e1, e2, e3);
    }
    return new Fp(d0, d1, d2, d3);
  }

  public Fp neg() {
    if (isZero()) {
      return this;
    }
    return ZERO.sub(this);
  }

  public Fp mul(Fp y) {
    return mont(l0, l1, l2, l3, y.l0, y.l1, y.l2, y.l3);
  }

  public Fp square() {
    return mont(l0, l1, l2, l3, l0, l1, l2, l3);
  }

  public Fp pow(BigInteger e) {
    Fp acc = ONE;
    for (int i = e.bitLength() - 1; i >= 0; i--) {
      acc = acc.square();
      if (e.testBit(i)) {
        acc = acc.mul(this);
      }
    }
    return acc;
  }

  /**
   * Multiplicative inverse, by the JDK's binary extended Euclid ({@link BigInteger#modInverse}) on
   * the Montgomery value: (aR)⁻¹ = a⁻¹R⁻¹, and one Montgomery product with R³ turns it into a⁻¹R.
   * About ten times faster than {@link #inverseByFermat}, which stays as the test reference.
   *
   * @throws ArithmeticException for zero
   */
  public Fp inverse() {
    if (isZero()) {
      throw new ArithmeticException("zero has no inverse in Fp");
    }
    byte[] be = new byte[32];
    putLong(be, 0, l3);
    putLong(be, 8, l2);
    putLong(be, 16, l1);
    putLong(be, 24, l0);
    return rawLimbs(new BigInteger(1, be).modInverse(P)).mul(R3);
  }

  /** The inverse as a^(p−2) (Fermat's little theorem): the reference for {@link #inverse}. */
  Fp inverseByFermat() {
    if (isZero()) {
      throw new ArithmeticException("zero has no inverse in Fp");
    }
    return pow(P_MINUS_2);
  }

  /**
   * The candidate square root {@code this^((p+1)/4)} (p = 3 mod 4). It is a square root exactly
   * when its square equals this element; callers that need to know check that (as EigenLayer's
   * try-and-increment does).
   */
  public Fp sqrtCandidate() {
    return pow(SQRT_EXP);
  }

  /** A square root, or null if this element is not a square. */
  public Fp sqrt() {
    Fp s = sqrtCandidate();
    return s.square().equals(this) ? s : null;
  }

  private static Fp reduceOnce(long t0, long t1, long t2, long t3) {
    long d0 = t0 - P0;
    long b = ((~t0 & P0) | ((~t0 | P0) & d0)) >>> 63;
    long d1 = t1 - P1 - b;
    b = ((~t1 & P1) | ((~t1 | P1) & d1)) >>> 63;
    long d2 = t2 - P2 - b;
    b = ((~t2 & P2) | ((~t2 | P2) & d2)) >>> 63;
    long d3 = t3 - P3 - b;
    b = ((~t3 & P3) | ((~t3 | P3) & d3)) >>> 63;
    if (b != 0) {
      return new Fp(t0, t1, t2, t3);
    }
    return new Fp(d0, d1, d2, d3);
  }

  static Fp mont(long x0, long x1, long x2, long x3, long y0, long y1, long y2, long y3) {
    long t0, t1, t2, t3, a, c, m, lo, hi, s;
    // round 0
    t0 = x0 * y0;
    a = Math.unsignedMultiplyHigh(x0, y0);
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y0;
    hi = Math.unsignedMultiplyHigh(x1, y0);
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    a = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y0;
    hi = Math.unsignedMultiplyHigh(x2, y0);
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    a = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y0;
    hi = Math.unsignedMultiplyHigh(x3, y0);
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    a = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + a;
    // round 1
    lo = x0 * y1;
    hi = Math.unsignedMultiplyHigh(x0, y1);
    s = lo + t0;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    a = hi;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y1;
    hi = Math.unsignedMultiplyHigh(x1, y1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    a = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y1;
    hi = Math.unsignedMultiplyHigh(x2, y1);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    a = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y1;
    hi = Math.unsignedMultiplyHigh(x3, y1);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    a = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + a;
    // round 2
    lo = x0 * y2;
    hi = Math.unsignedMultiplyHigh(x0, y2);
    s = lo + t0;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    a = hi;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y2;
    hi = Math.unsignedMultiplyHigh(x1, y2);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    a = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y2;
    hi = Math.unsignedMultiplyHigh(x2, y2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    a = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y2;
    hi = Math.unsignedMultiplyHigh(x3, y2);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    a = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + a;
    // round 3
    lo = x0 * y3;
    hi = Math.unsignedMultiplyHigh(x0, y3);
    s = lo + t0;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    a = hi;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y3;
    hi = Math.unsignedMultiplyHigh(x1, y3);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    a = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y3;
    hi = Math.unsignedMultiplyHigh(x2, y3);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    a = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y3;
    hi = Math.unsignedMultiplyHigh(x3, y3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + a;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    a = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + a;
    return reduceOnce(t0, t1, t2, t3);
  }

  /**
   * r[ro..ro+3] = a·b (Montgomery); the output may alias an input. The four CIOS rounds are
   * unrolled by hand on purpose, so every limb stays in a local the JIT can keep in a register; the
   * repetition is deliberate.
   */
  static void mulL(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    long x0 = a[ao], x1 = a[ao + 1], x2 = a[ao + 2], x3 = a[ao + 3];
    long y0 = b[bo], y1 = b[bo + 1], y2 = b[bo + 2], y3 = b[bo + 3];
    long t0, t1, t2, t3, ca, c, m, lo, hi, s;
    // round 0
    t0 = x0 * y0;
    ca = Math.unsignedMultiplyHigh(x0, y0);
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y0;
    hi = Math.unsignedMultiplyHigh(x1, y0);
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    ca = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y0;
    hi = Math.unsignedMultiplyHigh(x2, y0);
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    ca = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y0;
    hi = Math.unsignedMultiplyHigh(x3, y0);
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    ca = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + ca;
    // round 1
    lo = x0 * y1;
    hi = Math.unsignedMultiplyHigh(x0, y1);
    s = lo + t0;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    ca = hi;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y1;
    hi = Math.unsignedMultiplyHigh(x1, y1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    ca = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y1;
    hi = Math.unsignedMultiplyHigh(x2, y1);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    ca = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y1;
    hi = Math.unsignedMultiplyHigh(x3, y1);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    ca = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + ca;
    // round 2
    lo = x0 * y2;
    hi = Math.unsignedMultiplyHigh(x0, y2);
    s = lo + t0;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    ca = hi;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y2;
    hi = Math.unsignedMultiplyHigh(x1, y2);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    ca = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y2;
    hi = Math.unsignedMultiplyHigh(x2, y2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    ca = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y2;
    hi = Math.unsignedMultiplyHigh(x3, y2);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    ca = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + ca;
    // round 3
    lo = x0 * y3;
    hi = Math.unsignedMultiplyHigh(x0, y3);
    s = lo + t0;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    ca = hi;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = x1 * y3;
    hi = Math.unsignedMultiplyHigh(x1, y3);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    ca = hi;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    c = hi;
    lo = x2 * y3;
    hi = Math.unsignedMultiplyHigh(x2, y3);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    ca = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x3 * y3;
    hi = Math.unsignedMultiplyHigh(x3, y3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + ca;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    ca = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    t3 = c + ca;
    storeReduced(t0, t1, t2, t3, r, ro);
  }

  private static void storeReduced(long t0, long t1, long t2, long t3, long[] r, int ro) {
    long d0 = t0 - P0;
    long b = ((~t0 & P0) | ((~t0 | P0) & d0)) >>> 63;
    long d1 = t1 - P1 - b;
    b = ((~t1 & P1) | ((~t1 | P1) & d1)) >>> 63;
    long d2 = t2 - P2 - b;
    b = ((~t2 & P2) | ((~t2 | P2) & d2)) >>> 63;
    long d3 = t3 - P3 - b;
    b = ((~t3 & P3) | ((~t3 | P3) & d3)) >>> 63;
    // branch-free select (the branch would be unpredictable): keep t if t < p (borrow), else t − p
    long keep = -b;
    r[ro] = (t0 & keep) | (d0 & ~keep);
    r[ro + 1] = (t1 & keep) | (d1 & ~keep);
    r[ro + 2] = (t2 & keep) | (d2 & ~keep);
    r[ro + 3] = (t3 & keep) | (d3 & ~keep);
  }

  /** r = a + b on limb arrays; the output may alias an input. */
  static void addL(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    long x0 = a[ao], x1 = a[ao + 1], x2 = a[ao + 2], x3 = a[ao + 3];
    long y0 = b[bo], y1 = b[bo + 1], y2 = b[bo + 2], y3 = b[bo + 3];
    long s0 = x0 + y0;
    long c = ((x0 & y0) | ((x0 | y0) & ~s0)) >>> 63;
    long s1 = x1 + y1 + c;
    c = ((x1 & y1) | ((x1 | y1) & ~s1)) >>> 63;
    long s2 = x2 + y2 + c;
    c = ((x2 & y2) | ((x2 | y2) & ~s2)) >>> 63;
    long s3 = x3 + y3 + c;
    storeReduced(s0, s1, s2, s3, r, ro);
  }

  /**
   * r = a − b on limb arrays, as a + (p − b) with one conditional subtraction (kept small enough
   * for C2 to inline); the output may alias an input.
   */
  static void subL(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    long y0 = b[bo];
    long y1 = b[bo + 1];
    long y2 = b[bo + 2];
    long y3 = b[bo + 3];
    long n0 = P0 - y0;
    long bw = ((~P0 & y0) | ((~P0 | y0) & n0)) >>> 63;
    long n1 = P1 - y1 - bw;
    bw = ((~P1 & y1) | ((~P1 | y1) & n1)) >>> 63;
    long n2 = P2 - y2 - bw;
    bw = ((~P2 & y2) | ((~P2 | y2) & n2)) >>> 63;
    long n3 = P3 - y3 - bw;
    long x0 = a[ao];
    long x1 = a[ao + 1];
    long x2 = a[ao + 2];
    long x3 = a[ao + 3];
    long s0 = x0 + n0;
    long c = ((x0 & n0) | ((x0 | n0) & ~s0)) >>> 63;
    long s1 = x1 + n1 + c;
    c = ((x1 & n1) | ((x1 | n1) & ~s1)) >>> 63;
    long s2 = x2 + n2 + c;
    c = ((x2 & n2) | ((x2 | n2) & ~s2)) >>> 63;
    long s3 = x3 + n3 + c;
    storeReduced(s0, s1, s2, s3, r, ro);
  }

  /** r = −a on limb arrays. */
  static void negL(long[] a, int ao, long[] r, int ro) {
    if ((a[ao] | a[ao + 1] | a[ao + 2] | a[ao + 3]) == 0) {
      r[ro] = 0;
      r[ro + 1] = 0;
      r[ro + 2] = 0;
      r[ro + 3] = 0;
      return;
    }
    subL(ZERO_LIMBS, 0, a, ao, r, ro);
  }

  private static final long[] ZERO_LIMBS = new long[4];

  /** k·p for k = 0..9 as five little-endian limbs each (row k at 5k), for {@link #mulXiL}. */
  private static final long[] KP = multiplesOfP(10);

  private static long[] multiplesOfP(int n) {
    long[] t = new long[5 * n];
    for (int k = 0; k < n; k++) {
      BigInteger v = P.multiply(BigInteger.valueOf(k));
      for (int i = 0; i < 5; i++) {
        t[5 * k + i] = v.shiftRight(64 * i).longValue();
      }
    }
    return t;
  }

  /**
   * F_p2 multiplication by ξ = 9 + u on limb arrays: (a0, a1) at ao, ao + 4 becomes (9a0 − a1, a0 +
   * 9a1) at ro, ro + 4, with one reduction per coefficient instead of a chain of ten modular
   * additions. The output may alias the input.
   */
  static void mulXiL(long[] a, int ao, long[] r, int ro) {
    long x0 = a[ao], x1 = a[ao + 1], x2 = a[ao + 2], x3 = a[ao + 3];
    long y0 = a[ao + 4], y1 = a[ao + 5], y2 = a[ao + 6], y3 = a[ao + 7];
    // p − a1, in [1, p]
    long n0 = P0 - y0;
    long bw = ((~P0 & y0) | ((~P0 | y0) & n0)) >>> 63;
    long n1 = P1 - y1 - bw;
    bw = ((~P1 & y1) | ((~P1 | y1) & n1)) >>> 63;
    long n2 = P2 - y2 - bw;
    bw = ((~P2 & y2) | ((~P2 | y2) & n2)) >>> 63;
    long n3 = P3 - y3 - bw;
    nineXPlusZ(x0, x1, x2, x3, n0, n1, n2, n3, r, ro);
    nineXPlusZ(y0, y1, y2, y3, x0, x1, x2, x3, r, ro + 4);
  }

  /**
   * r = (9x + z) mod p for x < p, z ≤ p. The sum t is below 10p < 2^258; the quotient estimate q =
   * ⌊t / 2^240⌋ / (⌊p / 2^240⌋ + 1) never exceeds ⌊t / p⌋ and falls short by at most one (its
   * relative error is below 2^-13 and t / p < 10), so t − q·p is in [0, 2p) and one conditional
   * subtraction finishes.
   */
  private static void nineXPlusZ(
      long x0, long x1, long x2, long x3, long z0, long z1, long z2, long z3, long[] r, int ro) {
    long lo, hi, s, c, t0, t1, t2, t3;
    lo = x0 * 9;
    c = Math.unsignedMultiplyHigh(x0, 9);
    s = lo + z0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t0 = s;
    lo = x1 * 9;
    hi = Math.unsignedMultiplyHigh(x1, 9);
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + z1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x2 * 9;
    hi = Math.unsignedMultiplyHigh(x2, 9);
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + z2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    lo = x3 * 9;
    hi = Math.unsignedMultiplyHigh(x3, 9);
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + z3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    long t4 = hi;
    int k = 5 * (int) (((t4 << 16) | (t3 >>> 48)) / Q_DIVISOR);
    long k0 = KP[k], k1 = KP[k + 1], k2 = KP[k + 2], k3 = KP[k + 3];
    // t − k·p < 2p < 2^255: the fifth limb of the difference is zero, so only four are kept
    long d0 = t0 - k0;
    long b = ((~t0 & k0) | ((~t0 | k0) & d0)) >>> 63;
    long d1 = t1 - k1 - b;
    b = ((~t1 & k1) | ((~t1 | k1) & d1)) >>> 63;
    long d2 = t2 - k2 - b;
    b = ((~t2 & k2) | ((~t2 | k2) & d2)) >>> 63;
    long d3 = t3 - k3 - b;
    storeReduced(d0, d1, d2, d3, r, ro);
  }

  /** w[o..o+7] = x·y, the full 512-bit product of two 256-bit values (no reduction). */
  private static void mul512(
      long x0, long x1, long x2, long x3, long y0, long y1, long y2, long y3, long[] w, int o) {
    long t0, t1, t2, t3, t4, t5, t6, t7, lo, hi, s, c;
    t0 = x0 * y0;
    c = Math.unsignedMultiplyHigh(x0, y0);
    lo = x0 * y1;
    hi = Math.unsignedMultiplyHigh(x0, y1);
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x0 * y2;
    hi = Math.unsignedMultiplyHigh(x0, y2);
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    lo = x0 * y3;
    hi = Math.unsignedMultiplyHigh(x0, y3);
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    t4 = c;
    lo = x1 * y0;
    hi = Math.unsignedMultiplyHigh(x1, y0);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = x1 * y1;
    hi = Math.unsignedMultiplyHigh(x1, y1);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    lo = x1 * y2;
    hi = Math.unsignedMultiplyHigh(x1, y2);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    lo = x1 * y3;
    hi = Math.unsignedMultiplyHigh(x1, y3);
    s = lo + t4;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    c = hi;
    t5 = c;
    lo = x2 * y0;
    hi = Math.unsignedMultiplyHigh(x2, y0);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    lo = x2 * y1;
    hi = Math.unsignedMultiplyHigh(x2, y1);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    lo = x2 * y2;
    hi = Math.unsignedMultiplyHigh(x2, y2);
    s = lo + t4;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    c = hi;
    lo = x2 * y3;
    hi = Math.unsignedMultiplyHigh(x2, y3);
    s = lo + t5;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t5 = s;
    c = hi;
    t6 = c;
    lo = x3 * y0;
    hi = Math.unsignedMultiplyHigh(x3, y0);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    lo = x3 * y1;
    hi = Math.unsignedMultiplyHigh(x3, y1);
    s = lo + t4;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    c = hi;
    lo = x3 * y2;
    hi = Math.unsignedMultiplyHigh(x3, y2);
    s = lo + t5;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t5 = s;
    c = hi;
    lo = x3 * y3;
    hi = Math.unsignedMultiplyHigh(x3, y3);
    s = lo + t6;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t6 = s;
    c = hi;
    t7 = c;
    w[o] = t0;
    w[o + 1] = t1;
    w[o + 2] = t2;
    w[o + 3] = t3;
    w[o + 4] = t4;
    w[o + 5] = t5;
    w[o + 6] = t6;
    w[o + 7] = t7;
  }

  /**
   * r[ro..ro+3] = w[o..o+7]·R⁻¹ mod p (Montgomery reduction, operand scanning) for an input below
   * p·R; the overflow of each round is carried into the next instead of along the whole number.
   */
  private static void redc512(long[] w, int o, long[] r, int ro) {
    long t0 = w[o], t1 = w[o + 1], t2 = w[o + 2], t3 = w[o + 3];
    long t4 = w[o + 4], t5 = w[o + 5], t6 = w[o + 6], t7 = w[o + 7];
    long m, lo, hi, s, c, e = 0, f;
    m = t0 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t0;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t1;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t1 = s;
    c = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    s = t4 + c;
    f = Long.compareUnsigned(s, c) < 0 ? 1 : 0;
    lo = s;
    s = lo + e;
    f += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    e = f;
    m = t1 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t1;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t2;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t2 = s;
    c = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t4;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    c = hi;
    s = t5 + c;
    f = Long.compareUnsigned(s, c) < 0 ? 1 : 0;
    lo = s;
    s = lo + e;
    f += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t5 = s;
    e = f;
    m = t2 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t2;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t3;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t3 = s;
    c = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t4;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    c = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t5;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t5 = s;
    c = hi;
    s = t6 + c;
    f = Long.compareUnsigned(s, c) < 0 ? 1 : 0;
    lo = s;
    s = lo + e;
    f += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t6 = s;
    e = f;
    m = t3 * INV;
    lo = m * P0;
    c = Math.unsignedMultiplyHigh(m, P0);
    s = lo + t3;
    c += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = m * P1;
    hi = Math.unsignedMultiplyHigh(m, P1);
    s = lo + t4;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t4 = s;
    c = hi;
    lo = m * P2;
    hi = Math.unsignedMultiplyHigh(m, P2);
    s = lo + t5;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t5 = s;
    c = hi;
    lo = m * P3;
    hi = Math.unsignedMultiplyHigh(m, P3);
    s = lo + t6;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    lo = s;
    s = lo + c;
    hi += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t6 = s;
    c = hi;
    s = t7 + c;
    f = Long.compareUnsigned(s, c) < 0 ? 1 : 0;
    lo = s;
    s = lo + e;
    f += Long.compareUnsigned(s, lo) < 0 ? 1 : 0;
    t7 = s;
    e = f;
    storeReduced(t4, t5, t6, t7, r, ro);
  }

  /** p² as eight little-endian limbs. */
  private static final long[] P_SQUARED = limbs(P.multiply(P), 8);

  private static long[] limbs(BigInteger v, int n) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      t[i] = v.shiftRight(64 * i).longValue();
    }
    return t;
  }

  /**
   * F_p2 product with lazy reduction: r = a·b for a = a0 + a1·u, b = b0 + b1·u (u² = −1), each at
   * offsets o, o + 4. The three Karatsuba products are taken at full width (a0·b0, a1·b1 and (a0 +
   * a1)(b0 + b1) with unreduced sums below 2^255), combined at full width (a0·b0 + p² − a1·b1,
   * never negative; the cross term a0·b1 + a1·b0 is never negative and below 2p²), and reduced once
   * per coefficient: two Montgomery reductions instead of three, and no modular additions. Both
   * inputs to each reduction are below 2p² < p·R. {@code w} is a 24-long scratch buffer; the output
   * may alias an input.
   */
  static void fp2MulL(long[] a, int ao, long[] b, int bo, long[] r, int ro, long[] w) {
    long a0 = a[ao], a1 = a[ao + 1], a2 = a[ao + 2], a3 = a[ao + 3];
    long c0 = a[ao + 4], c1 = a[ao + 5], c2 = a[ao + 6], c3 = a[ao + 7];
    long b0 = b[bo], b1 = b[bo + 1], b2 = b[bo + 2], b3 = b[bo + 3];
    long d0 = b[bo + 4], d1 = b[bo + 5], d2 = b[bo + 6], d3 = b[bo + 7];
    mul512(a0, a1, a2, a3, b0, b1, b2, b3, w, 0);
    mul512(c0, c1, c2, c3, d0, d1, d2, d3, w, 8);
    // s = a0 + a1, t = b0 + b1, both below 2p < 2^255 (no carry out)
    long s0 = a0 + c0;
    long k = ((a0 & c0) | ((a0 | c0) & ~s0)) >>> 63;
    long s1 = a1 + c1 + k;
    k = ((a1 & c1) | ((a1 | c1) & ~s1)) >>> 63;
    long s2 = a2 + c2 + k;
    k = ((a2 & c2) | ((a2 | c2) & ~s2)) >>> 63;
    long s3 = a3 + c3 + k;
    long t0 = b0 + d0;
    k = ((b0 & d0) | ((b0 | d0) & ~t0)) >>> 63;
    long t1 = b1 + d1 + k;
    k = ((b1 & d1) | ((b1 | d1) & ~t1)) >>> 63;
    long t2 = b2 + d2 + k;
    k = ((b2 & d2) | ((b2 | d2) & ~t2)) >>> 63;
    long t3 = b3 + d3 + k;
    mul512(s0, s1, s2, s3, t0, t1, t2, t3, w, 16);
    // cross term: w[16..] −= w[0..] + w[8..] (exact: it equals a0·b1 + a1·b0 ≥ 0)
    long bw = 0;
    long bw2 = 0;
    for (int i = 0; i < 8; i++) {
      long x = w[16 + i];
      long y = w[i];
      long z = w[8 + i];
      long dd = x - y - bw;
      bw = ((~x & y) | ((~x | y) & dd)) >>> 63;
      long ee = dd - z - bw2;
      bw2 = ((~dd & z) | ((~dd | z) & ee)) >>> 63;
      w[16 + i] = ee;
    }
    // real part: a0·b0 + (p² − a1·b1), in [0, 2p²) since a1·b1 < p²: no sign to test
    bw = 0;
    long cy = 0;
    for (int i = 0; i < 8; i++) {
      long x = P_SQUARED[i];
      long y = w[8 + i];
      long dd = x - y - bw;
      bw = ((~x & y) | ((~x | y) & dd)) >>> 63;
      long z = w[i];
      long sum = z + dd + cy;
      cy = ((z & dd) | ((z | dd) & ~sum)) >>> 63;
      w[i] = sum;
    }
    redc512(w, 0, r, ro);
    redc512(w, 16, r, ro + 4);
  }

  /** ⌊p / 2^240⌋ + 1. */
  private static final long Q_DIVISOR = (P3 >>> 48) + 1;

  /** Writes the Montgomery limbs of this element into r[ro..ro+3]. */
  void store(long[] r, int ro) {
    r[ro] = l0;
    r[ro + 1] = l1;
    r[ro + 2] = l2;
    r[ro + 3] = l3;
  }

  static Fp load(long[] a, int ao) {
    return new Fp(a[ao], a[ao + 1], a[ao + 2], a[ao + 3]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp f && f.l0 == l0 && f.l1 == l1 && f.l2 == l2 && f.l3 == l3;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(l0 ^ (l1 * 31) ^ (l2 * 961) ^ (l3 * 29791));
  }

  @Override
  public String toString() {
    return toBigInteger().toString();
  }
}
