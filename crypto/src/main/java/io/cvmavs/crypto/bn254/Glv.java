package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/**
 * GLV/GLS scalar decomposition for an endomorphism that acts on an order-r group as [λ]: k ≡ k₁ +
 * k₂·λ (mod r) with |k₁|, |k₂| about √r, from a short basis (a1, b1), (a2, b2) of the lattice {(a,
 * b) : a + b·λ ≡ 0 mod r} found by the extended Euclidean algorithm on (r, λ) stopped near √r (the
 * GLV paper's method). Used with φ(x, y) = (βx, y) on G1 and with ψ (λ = p mod r) on G2.
 */
final class Glv {
  final BigInteger lambda;
  final BigInteger a1;
  final BigInteger b1;
  final BigInteger a2;
  final BigInteger b2;

  /** The sign of the basis determinant a1·b2 − a2·b1 = ±r. */
  private final int detSign;

  Glv(BigInteger lambda) {
    BigInteger r = Bn254.R;
    this.lambda = lambda;
    // rᵢ = sᵢ·r + tᵢ·λ, so (rᵢ, −tᵢ) is in the lattice; stop at the first remainder below √r
    BigInteger sqrt = r.sqrt();
    BigInteger r0 = r;
    BigInteger r1 = lambda;
    BigInteger t0 = BigInteger.ZERO;
    BigInteger t1 = BigInteger.ONE;
    while (r1.compareTo(sqrt) >= 0) {
      BigInteger q = r0.divide(r1);
      BigInteger r2 = r0.subtract(q.multiply(r1));
      BigInteger t2 = t0.subtract(q.multiply(t1));
      r0 = r1;
      r1 = r2;
      t0 = t1;
      t1 = t2;
    }
    // v1 = (r1, −t1); v2 = the shorter of (r0, −t0) and the next remainder's vector
    BigInteger q = r0.divide(r1);
    BigInteger r2 = r0.subtract(q.multiply(r1));
    BigInteger t2 = t0.subtract(q.multiply(t1));
    a1 = r1;
    b1 = t1.negate();
    if (r0.pow(2).add(t0.pow(2)).compareTo(r2.pow(2).add(t2.pow(2))) <= 0) {
      a2 = r0;
      b2 = t0.negate();
    } else {
      a2 = r2;
      b2 = t2.negate();
    }
    BigInteger det = a1.multiply(b2).subtract(a2.multiply(b1));
    if (!det.abs().equals(r)) {
      throw new IllegalStateException("GLV basis does not span the lattice: det " + det);
    }
    detSign = det.signum();
  }

  /** k ≡ k₁ + k₂·λ (mod r), |k₁|, |k₂| about √r, for 0 ≤ k < r. */
  BigInteger[] split(BigInteger k) {
    BigInteger r = Bn254.R;
    // (k, 0) = c1·v1 + c2·v2 over the rationals (Cramer), rounded
    BigInteger ks = detSign > 0 ? k : k.negate();
    BigInteger c1 = roundedDivide(b2.multiply(ks), r);
    BigInteger c2 = roundedDivide(b1.negate().multiply(ks), r);
    BigInteger k1 = k.subtract(c1.multiply(a1)).subtract(c2.multiply(a2));
    BigInteger k2 = c1.multiply(b1).add(c2.multiply(b2)).negate();
    return new BigInteger[] {k1, k2};
  }

  /** A non-trivial cube root of unity mod the prime m (m ≡ 1 mod 3). */
  static BigInteger cubeRoot(BigInteger m) {
    BigInteger e = m.subtract(BigInteger.ONE).divide(BigInteger.valueOf(3));
    for (long h = 2; ; h++) {
      BigInteger c = BigInteger.valueOf(h).modPow(e, m);
      if (!c.equals(BigInteger.ONE)) {
        return c;
      }
    }
  }

  private static BigInteger roundedDivide(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.add(b.shiftRight(1)).divideAndRemainder(b);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
