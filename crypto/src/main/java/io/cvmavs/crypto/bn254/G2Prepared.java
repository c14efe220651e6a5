package io.cvmavs.crypto.bn254;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The Miller-loop line coefficients of a fixed G2 point, computed once (doubling and addition steps
 * in homogeneous projective coordinates, Costello–Lange–Naehrig formulas for a D-type twist).
 * Reusing a prepared point (the generator, a long-lived public key) skips all G2 arithmetic in
 * later pairings. Immutable, thread-safe.
 */
public final class G2Prepared {
  /** Signed binary (NAF) digits of 6u + 2, least significant first. */
  static final int[] LOOP_NAF = Bn254.naf(Bn254.ATE_LOOP);

  private static final Fp2 TWO_INV = Fp2.of(BigInteger.TWO, BigInteger.ZERO).inverse();

  /** ξ^((p−1)/3) and ξ^((p−1)/2): the twisted Frobenius ψ(x, y) = (x̄·c_x, ȳ·c_y). */
  static final Fp2 PSI_X = Fp2.XI.pow(Fp.P.subtract(BigInteger.ONE).divide(BigInteger.valueOf(3)));

  static final Fp2 PSI_Y = Fp2.XI.pow(Fp.P.subtract(BigInteger.ONE).shiftRight(1));

  /**
   * Number of lines per G2 point: one per doubling, one per non-zero NAF digit, two for ψ(Q) and
   * −ψ²(Q).
   */
  static final int LINES = lineCount();

  // declared after LOOP_NAF, PSI_* and LINES, which it needs
  /** The negated G2 generator, used by every BLS verification. */
  public static final G2Prepared NEG_GENERATOR = of(G2Point.GENERATOR.negate());

  /**
   * Line coefficients (c0, c3, c4) as flat limbs, 24 longs per line in Miller-loop order; null for
   * infinity.
   */
  final long[] flatCoeffs;

  private final G2Point point;

  private G2Prepared(G2Point point, long[] flatCoeffs) {
    this.point = point;
    this.flatCoeffs = flatCoeffs;
  }

  private static int lineCount() {
    int n = 2;
    for (int i = LOOP_NAF.length - 2; i >= 0; i--) {
      n += LOOP_NAF[i] == 0 ? 1 : 2;
    }
    return n;
  }

  public G2Point point() {
    return point;
  }

  public boolean isInfinity() {
    return flatCoeffs == null;
  }

  public static G2Prepared of(G2Point q) {
    if (q.isInfinity()) {
      return new G2Prepared(q, null);
    }
    return new G2Prepared(q, new FlatTower().prepare(q, LINES));
  }

  /**
   * The same coefficients computed with the immutable F_p2 classes (a test reference for {@link
   * #of}).
   */
  static G2Prepared ofReference(G2Point q) {
    if (q.isInfinity()) {
      return new G2Prepared(q, null);
    }
    List<Fp2> out = new ArrayList<>(3 * 110);
    Fp2[] r = {q.x, q.y, Fp2.ONE};
    G2Point negQ = q.negate();
    for (int i = LOOP_NAF.length - 2; i >= 0; i--) {
      doublingStep(r, out);
      if (LOOP_NAF[i] == 1) {
        additionStep(r, q, out);
      } else if (LOOP_NAF[i] == -1) {
        additionStep(r, negQ, out);
      }
    }
    G2Point q1 = psi(q);
    G2Point q2 = psi(q1).negate();
    additionStep(r, q1, out);
    additionStep(r, q2, out);
    long[] flat = new long[out.size() * FlatTower.FP2];
    for (int i = 0; i < out.size(); i++) {
      FlatTower.store(out.get(i), flat, i * FlatTower.FP2);
    }
    return new G2Prepared(q, flat);
  }

  /** The twisted p-power Frobenius ψ on E'(F_p2); on G2 it acts as multiplication by p. */
  static G2Point psi(G2Point q) {
    return new G2Point(q.x.conjugate().mul(PSI_X), q.y.conjugate().mul(PSI_Y));
  }

  private static void doublingStep(Fp2[] r, List<Fp2> out) {
    Fp2 x = r[0];
    Fp2 y = r[1];
    Fp2 z = r[2];
    Fp2 a = x.mul(y).mul(TWO_INV);
    Fp2 b = y.square();
    Fp2 c = z.square();
    Fp2 e = G2Point.B.mul(c.dbl().add(c));
    Fp2 f = e.dbl().add(e);
    Fp2 g = b.add(f).mul(TWO_INV);
    Fp2 h = y.add(z).square().sub(b.add(c));
    Fp2 i = e.sub(b);
    Fp2 j = x.square();
    Fp2 e2 = e.square();
    r[0] = a.mul(b.sub(f));
    r[1] = g.square().sub(e2.dbl().add(e2));
    r[2] = b.mul(h);
    out.add(h.neg());
    out.add(j.dbl().add(j));
    out.add(i);
  }

  private static void additionStep(Fp2[] r, G2Point q, List<Fp2> out) {
    Fp2 x = r[0];
    Fp2 y = r[1];
    Fp2 z = r[2];
    Fp2 theta = y.sub(q.y.mul(z));
    Fp2 lambda = x.sub(q.x.mul(z));
    Fp2 c = theta.square();
    Fp2 d = lambda.square();
    Fp2 e = lambda.mul(d);
    Fp2 f = z.mul(c);
    Fp2 g = x.mul(d);
    Fp2 h = e.add(f).sub(g.dbl());
    r[0] = lambda.mul(h);
    r[1] = theta.mul(g.sub(h)).sub(e.mul(y));
    r[2] = z.mul(e);
    Fp2 j = theta.mul(q.x).sub(lambda.mul(q.y));
    out.add(lambda);
    out.add(theta.neg());
    out.add(j);
  }
}
