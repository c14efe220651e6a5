package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/**
 * A G1 point in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is infinity) on y² = x³ + 3.
 * Immutable. Use it to chain additions and multiplications; convert to {@link G1Point} (one
 * inversion) at the end.
 */
public final class G1Jacobian {
  public static final G1Jacobian INFINITY = new G1Jacobian(Fp.ONE, Fp.ONE, Fp.ZERO);

  final Fp x;
  final Fp y;
  final Fp z;

  G1Jacobian(Fp x, Fp y, Fp z) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  public static G1Jacobian of(G1Point p) {
    return p.isInfinity() ? INFINITY : new G1Jacobian(p.x, p.y, Fp.ONE);
  }

  public boolean isInfinity() {
    return z.isZero();
  }

  public G1Point toAffine() {
    if (isInfinity()) {
      return G1Point.INFINITY;
    }
    Fp zi = z.inverse();
    Fp zi2 = zi.square();
    return new G1Point(x.mul(zi2), y.mul(zi2).mul(zi));
  }

  public G1Jacobian negate() {
    return new G1Jacobian(x, y.neg(), z);
  }

  /** dbl-2009-l. */
  public G1Jacobian dbl() {
    if (isInfinity()) {
      return this;
    }
    Fp a = x.square();
    Fp b = y.square();
    Fp c = b.square();
    Fp d = x.add(b).square().sub(a).sub(c).dbl();
    Fp e = a.dbl().add(a);
    Fp f = e.square();
    Fp x3 = f.sub(d.dbl());
    Fp y3 = e.mul(d.sub(x3)).sub(c.dbl().dbl().dbl());
    Fp z3 = y.mul(z).dbl();
    return new G1Jacobian(x3, y3, z3);
  }

  /** add-2007-bl, with the doubling and inverse cases handled. */
  public G1Jacobian add(G1Jacobian q) {
    if (isInfinity()) {
      return q;
    }
    if (q.isInfinity()) {
      return this;
    }
    Fp z1z1 = z.square();
    Fp z2z2 = q.z.square();
    Fp u1 = x.mul(z2z2);
    Fp u2 = q.x.mul(z1z1);
    Fp s1 = y.mul(q.z).mul(z2z2);
    Fp s2 = q.y.mul(z).mul(z1z1);
    Fp h = u2.sub(u1);
    Fp r = s2.sub(s1).dbl();
    if (h.isZero()) {
      return r.isZero() ? dbl() : INFINITY;
    }
    Fp i = h.dbl().square();
    Fp j = h.mul(i);
    Fp v = u1.mul(i);
    Fp x3 = r.square().sub(j).sub(v.dbl());
    Fp y3 = r.mul(v.sub(x3)).sub(s1.mul(j).dbl());
    Fp z3 = z.add(q.z).square().sub(z1z1).sub(z2z2).mul(h);
    return new G1Jacobian(x3, y3, z3);
  }

  /** madd-2007-bl: this + q for an affine q. */
  public G1Jacobian addAffine(G1Point q) {
    if (q.isInfinity()) {
      return this;
    }
    if (isInfinity()) {
      return of(q);
    }
    Fp z1z1 = z.square();
    Fp u2 = q.x.mul(z1z1);
    Fp s2 = q.y.mul(z).mul(z1z1);
    Fp h = u2.sub(x);
    Fp r = s2.sub(y).dbl();
    if (h.isZero()) {
      return r.isZero() ? dbl() : INFINITY;
    }
    Fp hh = h.square();
    Fp i = hh.dbl().dbl();
    Fp j = h.mul(i);
    Fp v = x.mul(i);
    Fp x3 = r.square().sub(j).sub(v.dbl());
    Fp y3 = r.mul(v.sub(x3)).sub(y.mul(j).dbl());
    Fp z3 = z.add(h).square().sub(z1z1).sub(hh);
    return new G1Jacobian(x3, y3, z3);
  }

  /**
   * k·this for any non-negative k. Scalars over 128 bits are reduced mod r and split by GLV
   * (Gallant –Lambert–Vanstone): k ≡ k₁ + k₂·λ (mod r) with |k₁|, |k₂| ≈ √r, where φ(x, y) = (βx,
   * y) acts on G1 as multiplication by λ (β a cube root of unity in F_p, λ one mod r); then k₁·P +
   * k₂·φ(P) by one joint 4-bit window: half the doublings. Shorter scalars (batch coefficients)
   * take the plain window, which {@link #mulReference} keeps and {@code OptimisedPathsTest}
   * compares against.
   */
  public G1Jacobian mul(BigInteger k) {
    if (k.signum() < 0) {
      return negate().mul(k.negate());
    }
    if (k.bitLength() <= 128) {
      return mulReference(k);
    }
    BigInteger[] parts = Endo.GLV.split(k.mod(Bn254.R));
    G1Jacobian p1 = parts[0].signum() < 0 ? negate() : this;
    G1Jacobian p2 = parts[1].signum() < 0 ? endomorphism().negate() : endomorphism();
    BigInteger k1 = parts[0].abs();
    BigInteger k2 = parts[1].abs();
    G1Jacobian[] t1 = table(p1);
    G1Jacobian[] t2 = table(p2);
    G1Jacobian acc = INFINITY;
    int top = (Math.max(k1.bitLength(), k2.bitLength()) + 3) / 4;
    for (int w = top - 1; w >= 0; w--) {
      acc = acc.dbl().dbl().dbl().dbl();
      int n1 = nibble(k1, w);
      int n2 = nibble(k2, w);
      if (n1 != 0) {
        acc = acc.add(t1[n1]);
      }
      if (n2 != 0) {
        acc = acc.add(t2[n2]);
      }
    }
    return acc;
  }

  /** φ(x, y) = (βx, y): multiplication by λ on G1. */
  G1Jacobian endomorphism() {
    return new G1Jacobian(x.mul(Endo.BETA), y, z);
  }

  static G1Jacobian[] table(G1Jacobian p) {
    G1Jacobian[] t = new G1Jacobian[16];
    t[0] = INFINITY;
    t[1] = p;
    for (int i = 2; i < 16; i++) {
      t[i] = (i & 1) == 0 ? t[i / 2].dbl() : t[i - 1].add(p);
    }
    return t;
  }

  static int nibble(BigInteger k, int w) {
    return (k.testBit(4 * w) ? 1 : 0)
        | (k.testBit(4 * w + 1) ? 2 : 0)
        | (k.testBit(4 * w + 2) ? 4 : 0)
        | (k.testBit(4 * w + 3) ? 8 : 0);
  }

  /** GLV constants for G1, in a holder so that they are derived on first use. */
  static final class Endo {
    /** The decomposition for φ = [λ] on G1 (λ a cube root of unity mod r). */
    static final Glv GLV = new Glv(Glv.cubeRoot(Bn254.R));

    /** The cube root of unity β in F_p with φ(x, y) = (βx, y) = [λ](x, y), checked on G1. */
    static final Fp BETA = beta();

    private Endo() {}

    private static Fp beta() {
      Fp beta = Fp.of(Glv.cubeRoot(Bn254.P));
      G1Jacobian g = G1Point.GENERATOR.toJacobian();
      G1Jacobian lg = g.mulReference(GLV.lambda);
      for (int attempt = 0; attempt < 2; attempt++) {
        if (new G1Jacobian(g.x.mul(beta), g.y, g.z).equalsPoint(lg)) {
          return beta;
        }
        beta = beta.square(); // the other non-trivial root goes with this λ
      }
      throw new IllegalStateException("no cube root of unity in F_p matches λ");
    }
  }

  /** k·this for any non-negative k by a 4-bit fixed window (the reference for {@link #mul}). */
  G1Jacobian mulReference(BigInteger k) {
    if (k.signum() < 0) {
      return negate().mulReference(k.negate());
    }
    G1Jacobian[] table = new G1Jacobian[16];
    table[0] = INFINITY;
    table[1] = this;
    for (int i = 2; i < 16; i++) {
      table[i] = (i & 1) == 0 ? table[i / 2].dbl() : table[i - 1].add(this);
    }
    G1Jacobian acc = INFINITY;
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
  public boolean equalsPoint(G1Jacobian q) {
    if (isInfinity() || q.isInfinity()) {
      return isInfinity() && q.isInfinity();
    }
    Fp z1z1 = z.square();
    Fp z2z2 = q.z.square();
    return x.mul(z2z2).equals(q.x.mul(z1z1)) && y.mul(q.z).mul(z2z2).equals(q.y.mul(z).mul(z1z1));
  }
}
