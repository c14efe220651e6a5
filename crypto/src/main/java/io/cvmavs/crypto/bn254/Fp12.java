package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/** An element c0 + c1·w of F_p12 = F_p6[w]/(w² − v), the target group's field. Immutable. */
public final class Fp12 {
  public static final Fp12 ONE = new Fp12(Fp6.ONE, Fp6.ZERO);

  /** FROB_W[k] = ξ^((p^k − 1)/6), so that w^(p^k) = FROB_W[k]·w, for k = 0..3. */
  private static final Fp2[] FROB_W = new Fp2[4];

  static {
    for (int k = 0; k < 4; k++) {
      BigInteger e = Fp.P.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(6));
      FROB_W[k] = Fp2.XI.pow(e);
    }
  }

  public final Fp6 c0;
  public final Fp6 c1;

  public Fp12(Fp6 c0, Fp6 c1) {
    this.c0 = c0;
    this.c1 = c1;
  }

  public boolean isOne() {
    return equals(ONE);
  }

  public Fp12 mul(Fp12 b) {
    Fp6 t0 = c0.mul(b.c0);
    Fp6 t1 = c1.mul(b.c1);
    Fp6 r1 = c0.add(c1).mul(b.c0.add(b.c1)).sub(t0).sub(t1);
    return new Fp12(t0.add(t1.mulByV()), r1);
  }

  public Fp12 square() {
    Fp6 ab = c0.mul(c1);
    Fp6 r0 = c0.add(c1).mul(c0.add(c1.mulByV())).sub(ab).sub(ab.mulByV());
    return new Fp12(r0, ab.add(ab));
  }

  /**
   * Multiplication by the sparse element l0 + (l3 + l4·v)·w (a Miller-loop line: coefficients at
   * positions 0, 3 and 4 of the basis 1, v, v², w, vw, v²w).
   */
  public Fp12 mulBy034(Fp2 l0, Fp2 l3, Fp2 l4) {
    Fp6 a = c0.mulByFp2(l0);
    Fp6 b = c1.mulBy01(l3, l4);
    Fp6 r1 = c0.add(c1).mulBy01(l0.add(l3), l4).sub(a).sub(b);
    return new Fp12(a.add(b.mulByV()), r1);
  }

  /** c0 − c1·w; equals the p^6-power Frobenius, hence the inverse on the cyclotomic subgroup. */
  public Fp12 conjugate() {
    return new Fp12(c0, c1.neg());
  }

  public Fp12 inverse() {
    Fp6 t = c0.square().sub(c1.square().mulByV()).inverse();
    return new Fp12(c0.mul(t), c1.mul(t).neg());
  }

  /** The p^k-power Frobenius map, k in 0..3. */
  public Fp12 frobenius(int k) {
    return new Fp12(c0.frobenius(k), c1.frobenius(k).mulByFp2(FROB_W[k]));
  }

  /** this^e for a non-negative exponent (square and multiply). */
  public Fp12 pow(BigInteger e) {
    Fp12 acc = ONE;
    for (int i = e.bitLength() - 1; i >= 0; i--) {
      acc = acc.square();
      if (e.testBit(i)) {
        acc = acc.mul(this);
      }
    }
    return acc;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp12 f && f.c0.equals(c0) && f.c1.equals(c1);
  }

  @Override
  public int hashCode() {
    return c0.hashCode() * 31 + c1.hashCode();
  }

  @Override
  public String toString() {
    return "{" + c0 + ", " + c1 + "}";
  }
}
