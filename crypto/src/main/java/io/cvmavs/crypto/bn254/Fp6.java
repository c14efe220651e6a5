package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/** An element c0 + c1·v + c2·v² of F_p6 = F_p2[v]/(v³ − ξ). Immutable. */
public final class Fp6 {
  public static final Fp6 ZERO = new Fp6(Fp2.ZERO, Fp2.ZERO, Fp2.ZERO);
  public static final Fp6 ONE = new Fp6(Fp2.ONE, Fp2.ZERO, Fp2.ZERO);

  /** FROB_C1[k] = ξ^((p^k − 1)/3), FROB_C2[k] = ξ^(2(p^k − 1)/3), for k = 0..3. */
  private static final Fp2[] FROB_C1 = new Fp2[4];

  private static final Fp2[] FROB_C2 = new Fp2[4];

  static {
    for (int k = 0; k < 4; k++) {
      BigInteger e = Fp.P.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(3));
      FROB_C1[k] = Fp2.XI.pow(e);
      FROB_C2[k] = Fp2.XI.pow(e.shiftLeft(1));
    }
  }

  public final Fp2 c0;
  public final Fp2 c1;
  public final Fp2 c2;

  public Fp6(Fp2 c0, Fp2 c1, Fp2 c2) {
    this.c0 = c0;
    this.c1 = c1;
    this.c2 = c2;
  }

  public boolean isZero() {
    return c0.isZero() && c1.isZero() && c2.isZero();
  }

  public Fp6 add(Fp6 b) {
    return new Fp6(c0.add(b.c0), c1.add(b.c1), c2.add(b.c2));
  }

  public Fp6 sub(Fp6 b) {
    return new Fp6(c0.sub(b.c0), c1.sub(b.c1), c2.sub(b.c2));
  }

  public Fp6 neg() {
    return new Fp6(c0.neg(), c1.neg(), c2.neg());
  }

  public Fp6 mul(Fp6 b) {
    Fp2 t0 = c0.mul(b.c0);
    Fp2 t1 = c1.mul(b.c1);
    Fp2 t2 = c2.mul(b.c2);
    Fp2 r0 = c1.add(c2).mul(b.c1.add(b.c2)).sub(t1).sub(t2).mulByXi().add(t0);
    Fp2 r1 = c0.add(c1).mul(b.c0.add(b.c1)).sub(t0).sub(t1).add(t2.mulByXi());
    Fp2 r2 = c0.add(c2).mul(b.c0.add(b.c2)).sub(t0).sub(t2).add(t1);
    return new Fp6(r0, r1, r2);
  }

  /** Chung–Hasan SQR2. */
  public Fp6 square() {
    Fp2 s0 = c0.square();
    Fp2 s1 = c0.mul(c1).dbl();
    Fp2 s2 = c0.sub(c1).add(c2).square();
    Fp2 s3 = c1.mul(c2).dbl();
    Fp2 s4 = c2.square();
    return new Fp6(s3.mulByXi().add(s0), s4.mulByXi().add(s1), s1.add(s2).add(s3).sub(s0).sub(s4));
  }

  /** Multiplication by v: (c0, c1, c2)·v = (ξ·c2, c0, c1). */
  public Fp6 mulByV() {
    return new Fp6(c2.mulByXi(), c0, c1);
  }

  /** Multiplication by an F_p2 scalar. */
  public Fp6 mulByFp2(Fp2 k) {
    return new Fp6(c0.mul(k), c1.mul(k), c2.mul(k));
  }

  /** Multiplication by the sparse element b0 + b1·v. */
  public Fp6 mulBy01(Fp2 b0, Fp2 b1) {
    Fp2 t0 = c0.mul(b0);
    Fp2 t1 = c1.mul(b1);
    Fp2 r0 = c2.mul(b1).mulByXi().add(t0);
    Fp2 r1 = c0.add(c1).mul(b0.add(b1)).sub(t0).sub(t1);
    Fp2 r2 = c2.mul(b0).add(t1);
    return new Fp6(r0, r1, r2);
  }

  public Fp6 inverse() {
    Fp2 t0 = c0.square().sub(c1.mul(c2).mulByXi());
    Fp2 t1 = c2.square().mulByXi().sub(c0.mul(c1));
    Fp2 t2 = c1.square().sub(c0.mul(c2));
    Fp2 d = c0.mul(t0).add(c2.mul(t1).mulByXi()).add(c1.mul(t2).mulByXi()).inverse();
    return new Fp6(t0.mul(d), t1.mul(d), t2.mul(d));
  }

  /** The p^k-power Frobenius map, k in 0..3. */
  public Fp6 frobenius(int k) {
    return new Fp6(
        c0.frobenius(k), c1.frobenius(k).mul(FROB_C1[k]), c2.frobenius(k).mul(FROB_C2[k]));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp6 f && f.c0.equals(c0) && f.c1.equals(c1) && f.c2.equals(c2);
  }

  @Override
  public int hashCode() {
    return (c0.hashCode() * 31 + c1.hashCode()) * 31 + c2.hashCode();
  }

  @Override
  public String toString() {
    return "[" + c0 + ", " + c1 + ", " + c2 + "]";
  }
}
