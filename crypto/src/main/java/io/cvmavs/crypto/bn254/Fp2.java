package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/** An element c0 + c1·u of F_p2 = F_p[u]/(u² + 1). Immutable. */
public final class Fp2 {
  public static final Fp2 ZERO = new Fp2(Fp.ZERO, Fp.ZERO);
  public static final Fp2 ONE = new Fp2(Fp.ONE, Fp.ZERO);

  /** ξ = 9 + u, the non-residue that defines F_p6 and the sextic twist. */
  public static final Fp2 XI = new Fp2(Fp.of(9), Fp.ONE);

  /** Real part. */
  public final Fp c0;

  /** Imaginary part (coefficient of u). */
  public final Fp c1;

  public Fp2(Fp c0, Fp c1) {
    this.c0 = c0;
    this.c1 = c1;
  }

  /** (a0 + a1·u) from canonical integers, each reduced mod p. */
  public static Fp2 of(BigInteger a0, BigInteger a1) {
    return new Fp2(Fp.of(a0), Fp.of(a1));
  }

  public boolean isZero() {
    return c0.isZero() && c1.isZero();
  }

  public boolean isOne() {
    return c0.isOne() && c1.isZero();
  }

  public Fp2 add(Fp2 b) {
    return new Fp2(c0.add(b.c0), c1.add(b.c1));
  }

  public Fp2 sub(Fp2 b) {
    return new Fp2(c0.sub(b.c0), c1.sub(b.c1));
  }

  public Fp2 dbl() {
    return new Fp2(c0.dbl(), c1.dbl());
  }

  public Fp2 neg() {
    return new Fp2(c0.neg(), c1.neg());
  }

  public Fp2 conjugate() {
    return new Fp2(c0, c1.neg());
  }

  public Fp2 mul(Fp2 b) {
    Fp v0 = c0.mul(b.c0);
    Fp v1 = c1.mul(b.c1);
    Fp s = c0.add(c1).mul(b.c0.add(b.c1));
    return new Fp2(v0.sub(v1), s.sub(v0).sub(v1));
  }

  public Fp2 square() {
    Fp a = c0.add(c1).mul(c0.sub(c1));
    Fp b = c0.mul(c1);
    return new Fp2(a, b.dbl());
  }

  public Fp2 mulByFp(Fp k) {
    return new Fp2(c0.mul(k), c1.mul(k));
  }

  /** Multiplication by ξ = 9 + u: (9a0 − a1) + (a0 + 9a1)·u. */
  public Fp2 mulByXi() {
    Fp a0x9 = c0.dbl().dbl().dbl().add(c0);
    Fp a1x9 = c1.dbl().dbl().dbl().add(c1);
    return new Fp2(a0x9.sub(c1), c0.add(a1x9));
  }

  public Fp2 inverse() {
    Fp t = c0.square().add(c1.square()).inverse();
    return new Fp2(c0.mul(t), c1.mul(t).neg());
  }

  public Fp2 pow(BigInteger e) {
    Fp2 acc = ONE;
    for (int i = e.bitLength() - 1; i >= 0; i--) {
      acc = acc.square();
      if (e.testBit(i)) {
        acc = acc.mul(this);
      }
    }
    return acc;
  }

  /** A square root, or null if this element is not a square in F_p2 (via the norm to F_p). */
  public Fp2 sqrt() {
    if (c1.isZero()) {
      Fp s = c0.sqrt();
      return s != null ? new Fp2(s, Fp.ZERO) : new Fp2(Fp.ZERO, c0.neg().sqrt());
    }
    Fp n = c0.square().add(c1.square()).sqrt();
    if (n == null) {
      return null;
    }
    Fp half = Fp.of(2).inverse();
    Fp t = c0.add(n).mul(half);
    Fp x0 = t.sqrt();
    if (x0 == null) {
      x0 = c0.sub(n).mul(half).sqrt();
    }
    if (x0 == null || x0.isZero()) {
      return null;
    }
    Fp2 x = new Fp2(x0, c1.mul(x0.dbl().inverse()));
    return x.square().equals(this) ? x : null;
  }

  /** The p^k-power Frobenius map: conjugation for odd k, identity for even k. */
  public Fp2 frobenius(int k) {
    return (k & 1) == 0 ? this : conjugate();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fp2 f && f.c0.equals(c0) && f.c1.equals(c1);
  }

  @Override
  public int hashCode() {
    return c0.hashCode() * 31 + c1.hashCode();
  }

  @Override
  public String toString() {
    return "(" + c0 + " + " + c1 + "*u)";
  }
}
