package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/**
 * A G2 point in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is infinity) on the twist y² = x³ +
 * 3/ξ. Immutable. Use it to chain additions and multiplications; convert to {@link G2Point} (one
 * inversion) at the end.
 *
 * <p>Its formulas mirror {@link G1Jacobian} over Fp2 instead of Fp. The two classes are kept
 * separate on purpose: a generic curve over a field interface would box every coordinate on the hot
 * path.
 */
public final class G2Jacobian {
  public static final G2Jacobian INFINITY = new G2Jacobian(Fp2.ONE, Fp2.ONE, Fp2.ZERO);

  final Fp2 x;
  final Fp2 y;
  final Fp2 z;

  G2Jacobian(Fp2 x, Fp2 y, Fp2 z) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  public static G2Jacobian of(G2Point p) {
    return p.isInfinity() ? INFINITY : new G2Jacobian(p.x, p.y, Fp2.ONE);
  }

  public boolean isInfinity() {
    return z.isZero();
  }

  public G2Point toAffine() {
    if (isInfinity()) {
      return G2Point.INFINITY;
    }
    Fp2 zi = z.inverse();
    Fp2 zi2 = zi.square();
    return new G2Point(x.mul(zi2), y.mul(zi2).mul(zi));
  }

  public G2Jacobian negate() {
    return new G2Jacobian(x, y.neg(), z);
  }

  /**
   * The twisted Frobenius ψ (on G2 it is multiplication by p), in Jacobian coordinates: (X̄·c_x,
   * Ȳ·c_y, Z̄) with the constants of {@link G2Prepared#psi}; conjugation commutes with the division
   * by Z² and Z³.
   */
  G2Jacobian psi() {
    return new G2Jacobian(
        x.conjugate().mul(G2Prepared.PSI_X), y.conjugate().mul(G2Prepared.PSI_Y), z.conjugate());
  }

  /** dbl-2009-l. */
  public G2Jacobian dbl() {
    if (isInfinity()) {
      return this;
    }
    Fp2 a = x.square();
    Fp2 b = y.square();
    Fp2 c = b.square();
    Fp2 d = x.add(b).square().sub(a).sub(c).dbl();
    Fp2 e = a.dbl().add(a);
    Fp2 f = e.square();
    Fp2 x3 = f.sub(d.dbl());
    Fp2 y3 = e.mul(d.sub(x3)).sub(c.dbl().dbl().dbl());
    Fp2 z3 = y.mul(z).dbl();
    return new G2Jacobian(x3, y3, z3);
  }

  /** add-2007-bl, with the doubling and inverse cases handled. */
  public G2Jacobian add(G2Jacobian q) {
    if (isInfinity()) {
      return q;
    }
    if (q.isInfinity()) {
      return this;
    }
    Fp2 z1z1 = z.square();
    Fp2 z2z2 = q.z.square();
    Fp2 u1 = x.mul(z2z2);
    Fp2 u2 = q.x.mul(z1z1);
    Fp2 s1 = y.mul(q.z).mul(z2z2);
    Fp2 s2 = q.y.mul(z).mul(z1z1);
    Fp2 h = u2.sub(u1);
    Fp2 r = s2.sub(s1).dbl();
    if (h.isZero()) {
      return r.isZero() ? dbl() : INFINITY;
    }
    Fp2 i = h.dbl().square();
    Fp2 j = h.mul(i);
    Fp2 v = u1.mul(i);
    Fp2 x3 = r.square().sub(j).sub(v.dbl());
    Fp2 y3 = r.mul(v.sub(x3)).sub(s1.mul(j).dbl());
    Fp2 z3 = z.add(q.z).square().sub(z1z1).sub(z2z2).mul(h);
    return new G2Jacobian(x3, y3, z3);
  }

  /** madd-2007-bl: this + q for an affine q. */
  public G2Jacobian addAffine(G2Point q) {
    if (q.isInfinity()) {
      return this;
    }
    if (isInfinity()) {
      return of(q);
    }
    Fp2 z1z1 = z.square();
    Fp2 u2 = q.x.mul(z1z1);
    Fp2 s2 = q.y.mul(z).mul(z1z1);
    Fp2 h = u2.sub(x);
    Fp2 r = s2.sub(y).dbl();
    if (h.isZero()) {
      return r.isZero() ? dbl() : INFINITY;
    }
    Fp2 hh = h.square();
    Fp2 i = hh.dbl().dbl();
    Fp2 j = h.mul(i);
    Fp2 v = x.mul(i);
    Fp2 x3 = r.square().sub(j).sub(v.dbl());
    Fp2 y3 = r.mul(v.sub(x3)).sub(y.mul(j).dbl());
    Fp2 z3 = z.add(h).square().sub(z1z1).sub(hh);
    return new G2Jacobian(x3, y3, z3);
  }

  /** GLS constants for G2 (ψ = [p mod r] there), derived on first use. */
  static final class Endo {
    static final Glv GLS = new Glv(Bn254.P.mod(Bn254.R));

    private Endo() {}
  }

  /**
   * k·this for a point of G2 (the prime-order subgroup; not for other twist points) and 0 ≤ k < r:
   * GLS with ψ = [p mod r], k ≡ k₁ + k₂·p (mod r), |k₁|, |k₂| ≤ 2¹²⁸, then k₁·Q + k₂·ψ(Q) by one
   * joint 4-bit window — half the doublings of {@link #mul}, which stays the reference (and serves
   * points of unknown order: the subgroup checks).
   */
  G2Jacobian mulInG2(BigInteger k) {
    BigInteger[] parts = Endo.GLS.split(k);
    G2Jacobian p1 = parts[0].signum() < 0 ? negate() : this;
    G2Jacobian p2 = parts[1].signum() < 0 ? psi().negate() : psi();
    BigInteger k1 = parts[0].abs();
    BigInteger k2 = parts[1].abs();
    G2Jacobian[] t1 = table(p1);
    G2Jacobian[] t2 = table(p2);
    G2Jacobian acc = INFINITY;
    int top = (Math.max(k1.bitLength(), k2.bitLength()) + 3) / 4;
    for (int w = top - 1; w >= 0; w--) {
      acc = acc.dbl().dbl().dbl().dbl();
      int n1 = G1Jacobian.nibble(k1, w);
      int n2 = G1Jacobian.nibble(k2, w);
      if (n1 != 0) {
        acc = acc.add(t1[n1]);
      }
      if (n2 != 0) {
        acc = acc.add(t2[n2]);
      }
    }
    return acc;
  }

  private static G2Jacobian[] table(G2Jacobian p) {
    G2Jacobian[] t = new G2Jacobian[16];
    t[0] = INFINITY;
    t[1] = p;
    for (int i = 2; i < 16; i++) {
      t[i] = (i & 1) == 0 ? t[i / 2].dbl() : t[i - 1].add(p);
    }
    return t;
  }

  /** k·this for any non-negative k (4-bit fixed window). */
  public G2Jacobian mul(BigInteger k) {
    if (k.signum() < 0) {
      return negate().mul(k.negate());
    }
    G2Jacobian[] table = new G2Jacobian[16];
    table[0] = INFINITY;
    table[1] = this;
    for (int i = 2; i < 16; i++) {
      table[i] = (i & 1) == 0 ? table[i / 2].dbl() : table[i - 1].add(this);
    }
    G2Jacobian acc = INFINITY;
    int top = (k.bitLength() + 3) / 4;
    for (int w = top - 1; w >= 0; w--) {
      acc = acc.dbl().dbl().dbl().dbl();
      int nib =
          (k.testBit(4 * w) ? 1 : 0)
              | (k.testBit(4 * w + 1) ? 2 : 0)
              | (k.testBit(4 * w + 2) ? 4 : 0)
              | (k.testBit(4 * w + 3) ? 8 : 0);
      if (nib != 0) {
        acc = acc.add(table[nib]);
      }
    }
    return acc;
  }

  /** Projective equality (same affine point). */
  public boolean equalsPoint(G2Jacobian q) {
    if (isInfinity() || q.isInfinity()) {
      return isInfinity() && q.isInfinity();
    }
    Fp2 z1z1 = z.square();
    Fp2 z2z2 = q.z.square();
    return x.mul(z2z2).equals(q.x.mul(z1z1)) && y.mul(q.z).mul(z2z2).equals(q.y.mul(z).mul(z1z1));
  }
}
