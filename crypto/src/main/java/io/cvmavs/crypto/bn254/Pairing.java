package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/**
 * The optimal ate pairing e: G1 × G2 → GT ⊂ F_p12* on BN254, and products of pairings sharing one
 * Miller loop accumulator and one final exponentiation. Pairing with the point at infinity (on
 * either side) contributes 1, as in precompile 0x08.
 */
public final class Pairing {
  /** (p^4 − p^2 + 1)/r, the hard part of the final exponent (reference implementation only). */
  static final BigInteger HARD_EXPONENT =
      Fp.P.pow(4).subtract(Fp.P.pow(2)).add(BigInteger.ONE).divide(Bn254.R);

  private Pairing() {}

  /** e(p, q). */
  public static Fp12 pair(G1Point p, G2Point q) {
    return product(new G1Point[] {p}, new G2Point[] {q});
  }

  /** ∏ e(ps[i], qs[i]). */
  public static Fp12 product(G1Point[] ps, G2Point[] qs) {
    FlatTower tower = new FlatTower();
    return FlatTower.toFp12(tower.finalExponentiation(millerLoopFlat(tower, ps, prepare(qs))));
  }

  /**
   * True iff ∏ e(ps[i], qs[i]) = 1: the semantics of the EVM precompile 0x08 (true for an empty
   * input).
   */
  public static boolean check(G1Point[] ps, G2Point[] qs) {
    return product(ps, qs).isOne();
  }

  /** True iff ∏ e(ps[i], qs[i]) = 1 for pre-computed G2 sides. */
  public static boolean check(G1Point[] ps, G2Prepared[] qs) {
    FlatTower tower = new FlatTower();
    long[] f = tower.finalExponentiation(millerLoopFlat(tower, ps, qs));
    return FlatTower.toFp12(f).isOne();
  }

  static G2Prepared[] prepare(G2Point[] qs) {
    G2Prepared[] out = new G2Prepared[qs.length];
    for (int i = 0; i < qs.length; i++) {
      out[i] = G2Prepared.of(qs[i]);
    }
    return out;
  }

  /**
   * The product of the Miller loops f_{6u+2,Q}(P)·(lines for ψ(Q), −ψ²(Q)), without the final
   * exponentiation.
   */
  public static Fp12 millerLoop(G1Point[] ps, G2Prepared[] qs) {
    return FlatTower.toFp12(millerLoopFlat(new FlatTower(), ps, qs));
  }

  static long[] millerLoopFlat(FlatTower tower, G1Point[] ps, G2Prepared[] qs) {
    if (ps.length != qs.length) {
      throw new IllegalArgumentException(
          "pairing needs as many G1 as G2 points, got " + ps.length + " and " + qs.length);
    }
    int n = 0;
    G1Point[] p = new G1Point[ps.length];
    G2Prepared[] q = new G2Prepared[ps.length];
    for (int i = 0; i < ps.length; i++) {
      if (!ps[i].isInfinity() && !qs[i].isInfinity()) {
        p[n] = ps[i];
        q[n] = qs[i];
        n++;
      }
    }
    return tower.millerLoop(p, q, n);
  }

  /**
   * Reference Miller loop on the immutable tower classes (tests compare the flat one against it).
   */
  static Fp12 millerLoopObjects(G1Point[] ps, G2Prepared[] qs) {
    if (ps.length != qs.length) {
      throw new IllegalArgumentException(
          "pairing needs as many G1 as G2 points, got " + ps.length + " and " + qs.length);
    }
    int n = 0;
    G1Point[] p = new G1Point[ps.length];
    long[][] c = new long[ps.length][];
    for (int i = 0; i < ps.length; i++) {
      if (!ps[i].isInfinity() && !qs[i].isInfinity()) {
        p[n] = ps[i];
        c[n] = qs[i].flatCoeffs;
        n++;
      }
    }
    Fp12 f = Fp12.ONE;
    if (n == 0) {
      return f;
    }
    int[] naf = G2Prepared.LOOP_NAF;
    int idx = 0;
    for (int i = naf.length - 2; i >= 0; i--) {
      if (i != naf.length - 2) {
        f = f.square();
      }
      for (int k = 0; k < n; k++) {
        f = line(f, c[k], idx, p[k]);
      }
      idx += 3;
      if (naf[i] != 0) {
        for (int k = 0; k < n; k++) {
          f = line(f, c[k], idx, p[k]);
        }
        idx += 3;
      }
    }
    for (int k = 0; k < n; k++) {
      f = line(f, c[k], idx, p[k]);
    }
    idx += 3;
    for (int k = 0; k < n; k++) {
      f = line(f, c[k], idx, p[k]);
    }
    return f;
  }

  private static Fp12 line(Fp12 f, long[] c, int idx, G1Point p) {
    return f.mulBy034(
        FlatTower.loadFp2(c, idx * FlatTower.FP2).mulByFp(p.y),
        FlatTower.loadFp2(c, (idx + 1) * FlatTower.FP2).mulByFp(p.x),
        FlatTower.loadFp2(c, (idx + 2) * FlatTower.FP2));
  }

  /**
   * f^((p^12 − 1)/r) up to a fixed exponent coprime to r: the easy part f^((p^6 − 1)(p^2 + 1)),
   * then the hard part by the Fuentes-Castañeda–Knapp–Rodríguez-Henríquez chain in u, which raises
   * to 2u(6u² + 3u + 1)·(p^4 − p^2 + 1)/r. The result is still a non-degenerate bilinear pairing,
   * and equals 1 exactly when the standard one does.
   */
  public static Fp12 finalExponentiation(Fp12 f) {
    return FlatTower.toFp12(new FlatTower().finalExponentiation(FlatTower.flat(f)));
  }

  /** Reference implementation of {@link #finalExponentiation} on the immutable tower classes. */
  static Fp12 finalExponentiationObjects(Fp12 f) {
    Fp12 r = easyPart(f);
    Fp12 y0 = expByNegU(r);
    Fp12 y1 = cyclotomicSquare(y0);
    Fp12 y2 = cyclotomicSquare(y1);
    Fp12 y3 = y2.mul(y1);
    Fp12 y4 = expByNegU(y3);
    Fp12 y5 = cyclotomicSquare(y4);
    Fp12 y6 = expByNegU(y5);
    y3 = y3.conjugate();
    y6 = y6.conjugate();
    Fp12 y7 = y6.mul(y4);
    Fp12 y8 = y7.mul(y3);
    Fp12 y9 = y8.mul(y1);
    Fp12 y10 = y8.mul(y4);
    Fp12 y11 = y10.mul(r);
    Fp12 y12 = y9.frobenius(1);
    Fp12 y13 = y12.mul(y11);
    y8 = y8.frobenius(2);
    Fp12 y14 = y8.mul(y13);
    Fp12 y15 = r.conjugate().mul(y9).frobenius(3);
    return y15.mul(y14);
  }

  /**
   * The textbook final exponentiation f^((p^12 − 1)/r) by square-and-multiply (slow; a test
   * reference).
   */
  static Fp12 finalExponentiationReference(Fp12 f) {
    return easyPart(f).pow(HARD_EXPONENT);
  }

  static Fp12 easyPart(Fp12 f) {
    Fp12 t = f.conjugate().mul(f.inverse());
    return t.frobenius(2).mul(t);
  }

  /** f^(−u) for f in the cyclotomic subgroup (where the inverse is the conjugate). */
  static Fp12 expByNegU(Fp12 f) {
    Fp12 acc = f;
    for (int i = 62 - Long.numberOfLeadingZeros(Bn254.U); i >= 0; i--) {
      acc = cyclotomicSquare(acc);
      if (((Bn254.U >>> i) & 1) != 0) {
        acc = acc.mul(f);
      }
    }
    return acc.conjugate();
  }

  static Fp12 cyclotomicSquare(Fp12 f) {
    return f.square();
  }
}
