package io.cvmavs.crypto.bn254;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomised differential tests: every optimised routine against the straightforward path it
 * replaced (kept as the reference) and against {@code BigInteger}, on random inputs and on the edge
 * values of the limb representation (0, 1, p − 1, p − 2, values with a full top limb).
 */
class OptimisedPathsTest {
  private static final BigInteger P = Fp.P;
  private final Random rnd = new Random(2026);

  /** Raw limb values (Montgomery form is irrelevant for linear maps) worth hitting on purpose. */
  private static List<BigInteger> edgeLimbValues() {
    List<BigInteger> v = new ArrayList<>();
    v.add(BigInteger.ZERO);
    v.add(BigInteger.ONE);
    v.add(BigInteger.TWO);
    v.add(BigInteger.valueOf(9));
    v.add(P.subtract(BigInteger.ONE));
    v.add(P.subtract(BigInteger.TWO));
    v.add(P.subtract(BigInteger.valueOf(9)));
    v.add(P.shiftRight(1));
    v.add(P.shiftRight(1).add(BigInteger.ONE));
    v.add(P.divide(BigInteger.valueOf(9)));
    v.add(P.divide(BigInteger.valueOf(9)).add(BigInteger.ONE));
    v.add(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    v.add(BigInteger.ONE.shiftLeft(192));
    v.add(BigInteger.ONE.shiftLeft(253));
    for (int k = 1; k < 9; k++) {
      // just below and above k·p/9: where the quotient of 9x changes
      BigInteger m = P.multiply(BigInteger.valueOf(k)).divide(BigInteger.valueOf(9));
      v.add(m);
      v.add(m.add(BigInteger.ONE));
    }
    return v;
  }

  private static Fp raw(BigInteger v) {
    return new Fp(
        v.longValue(),
        v.shiftRight(64).longValue(),
        v.shiftRight(128).longValue(),
        v.shiftRight(192).longValue());
  }

  private static BigInteger rawValue(Fp f) {
    BigInteger v = BigInteger.ZERO;
    long[] l = {f.l3, f.l2, f.l1, f.l0};
    for (long limb : l) {
      v = v.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limb)));
    }
    return v;
  }

  private void checkMulByXi(BigInteger x, BigInteger y) {
    Fp2 a = new Fp2(raw(x), raw(y));
    long[] fa = FlatTower.flat(a);
    long[] r = new long[8];
    Fp.mulXiL(fa, 0, r, 0);
    Fp2 got = FlatTower.loadFp2(r, 0);
    // the old chain of modular additions, kept in the immutable class
    assertThat(got).as("ξ·(%s, %s)", x, y).isEqualTo(a.mulByXi());
    BigInteger nine = BigInteger.valueOf(9);
    assertThat(rawValue(got.c0)).isEqualTo(x.multiply(nine).subtract(y).mod(P));
    assertThat(rawValue(got.c1)).isEqualTo(y.multiply(nine).add(x).mod(P));
    // in place
    Fp.mulXiL(fa, 0, fa, 0);
    assertThat(FlatTower.loadFp2(fa, 0)).isEqualTo(got);
  }

  @Test
  void mulByXiMatchesTheAdditionChainAndBigInteger() {
    List<BigInteger> edge = edgeLimbValues();
    for (BigInteger x : edge) {
      for (BigInteger y : edge) {
        checkMulByXi(x, y);
      }
    }
    for (int i = 0; i < 20_000; i++) {
      checkMulByXi(new BigInteger(256, rnd).mod(P), new BigInteger(256, rnd).mod(P));
    }
  }

  @Test
  void inverseMatchesFermatAndBigInteger() {
    List<BigInteger> values = edgeLimbValues();
    for (int i = 0; i < 2_000; i++) {
      values.add(new BigInteger(256, rnd).mod(P));
    }
    for (BigInteger v : values) {
      Fp a = Fp.of(v);
      if (a.isZero()) {
        assertThatThrownBy(a::inverse).isInstanceOf(ArithmeticException.class);
        continue;
      }
      Fp inv = a.inverse();
      assertThat(inv).as("1/%s", v).isEqualTo(a.inverseByFermat());
      assertThat(inv.toBigInteger()).isEqualTo(v.modInverse(P));
      assertThat(inv.mul(a)).isEqualTo(Fp.ONE);
    }
  }

  @Test
  void g2SubgroupCheckByEndomorphismIsExactlyMembership() {
    // the argument in G2Point.isInSubgroup needs h square-free with these prime factors, r ∤ h
    BigInteger product = BigInteger.ONE;
    for (BigInteger ell : TwistPoints.COFACTOR_PRIMES) {
      assertThat(ell.isProbablePrime(100)).isTrue();
      product = product.multiply(ell);
    }
    assertThat(product).isEqualTo(TwistPoints.COFACTOR);
    assertThat(TwistPoints.COFACTOR.mod(Bn254.R).signum()).isNotZero();
    // the map vanishes on G2 (a generator suffices; random multiples as well)
    assertThat(G2Point.GENERATOR.isInSubgroup()).isTrue();
    assertThat(G2Point.INFINITY.isInSubgroup()).isTrue();
    for (int i = 0; i < 20; i++) {
      G2Point q = G2Point.GENERATOR.mul(new BigInteger(256, rnd));
      assertThat(q.isInSubgroup()).isTrue();
      assertThat(q.negate().isInSubgroup()).isTrue();
    }
    // ... and on no point of order ℓ for any prime ℓ | h, alone or added to a point of G2
    for (BigInteger ell : TwistPoints.COFACTOR_PRIMES) {
      for (int i = 0; i < 3; i++) {
        G2Point t = TwistPoints.ofCofactorOrder(ell, rnd);
        assertThat(t.isInSubgroupByOrder()).isFalse();
        assertThat(t.isInSubgroup()).as("order-%s point", ell).isFalse();
        G2Point mixed = t.add(G2Point.GENERATOR.mul(new BigInteger(256, rnd)));
        assertThat(mixed.isInSubgroup()).as("G2 + order-%s point", ell).isFalse();
        assertThatThrownBy(() -> G2Point.fromEvmBytes(mixed.toEvmBytes()))
            .hasMessageContaining("not in the order-r subgroup");
      }
    }
    // random twist points: the two tests agree
    for (int i = 0; i < 50; i++) {
      G2Point t = TwistPoints.random(rnd);
      assertThat(t.isInSubgroup()).isEqualTo(t.isInSubgroupByOrder()).isFalse();
      G2Point cleared = TwistPoints.mulUnreduced(t, TwistPoints.COFACTOR);
      assertThat(cleared.isInSubgroup()).isEqualTo(cleared.isInSubgroupByOrder()).isTrue();
    }
  }

  private void checkFp2Mul(FlatTower t, Fp2 a, Fp2 b) {
    long[] fa = FlatTower.flat(a);
    long[] fb = FlatTower.flat(b);
    long[] lazy = new long[8];
    long[] old = new long[8];
    t.fp2Mul(fa, 0, fb, 0, lazy, 0);
    t.fp2MulKaratsuba(fa, 0, fb, 0, old, 0);
    assertThat(lazy).as("(%s)·(%s)", a, b).isEqualTo(old);
    assertThat(FlatTower.loadFp2(lazy, 0)).isEqualTo(a.mul(b));
    // in place, both operands
    long[] x = fa.clone();
    t.fp2Mul(x, 0, fb, 0, x, 0);
    assertThat(x).isEqualTo(old);
    long[] y = fb.clone();
    t.fp2Mul(fa, 0, y, 0, y, 0);
    assertThat(y).isEqualTo(old);
  }

  @Test
  void lazyFp2ProductMatchesReducedKaratsuba() {
    FlatTower t = new FlatTower();
    List<BigInteger> edge = edgeLimbValues();
    // edge limb values in all four coefficient positions (the real part's sign flips around them)
    for (BigInteger x : edge) {
      for (BigInteger y : edge) {
        checkFp2Mul(t, new Fp2(raw(x), raw(y)), new Fp2(raw(y), raw(x)));
        checkFp2Mul(t, new Fp2(raw(x), raw(x)), new Fp2(raw(y), raw(y)));
        checkFp2Mul(t, new Fp2(raw(x), raw(P.subtract(BigInteger.ONE))), new Fp2(raw(y), raw(y)));
      }
    }
    for (int i = 0; i < 20_000; i++) {
      checkFp2Mul(t, FieldTest.randomFp2(rnd), FieldTest.randomFp2(rnd));
    }
    // the square through the product path
    for (int i = 0; i < 1_000; i++) {
      Fp2 a = FieldTest.randomFp2(rnd);
      checkFp2Mul(t, a, a);
    }
  }

  /** The object path G2Point.sum replaced: one immutable Jacobian point per addition. */
  private static G2Point sumByObjects(List<G2Point> points) {
    G2Jacobian acc = G2Jacobian.INFINITY;
    for (G2Point p : points) {
      acc = acc.addAffine(p);
    }
    return acc.toAffine();
  }

  @Test
  void flatG2SumMatchesObjectAdditions() {
    assertThat(G2Point.sum(List.of())).isEqualTo(G2Point.INFINITY);
    G2Point g = G2Point.GENERATOR;
    G2Point p = g.mul(new BigInteger(256, rnd));
    List<List<G2Point>> cases = new ArrayList<>();
    cases.add(List.of(p));
    cases.add(List.of(G2Point.INFINITY));
    cases.add(List.of(p, p)); // doubling inside the mixed addition
    cases.add(List.of(p, p, p, p.negate())); // doubling, then more
    cases.add(List.of(p, p.negate())); // cancels to infinity
    cases.add(List.of(p, p.negate(), g)); // restarts after infinity
    cases.add(List.of(G2Point.INFINITY, p, G2Point.INFINITY, g, G2Point.INFINITY));
    cases.add(List.of(p, g, p.add(g).negate())); // three points summing to infinity
    cases.add(List.of(p, p, p.mul(BigInteger.TWO).negate(), p));
    // twist points outside G2 (the formulas do not care)
    G2Point t = TwistPoints.random(rnd);
    cases.add(List.of(t, t, p, t.negate()));
    for (int i = 0; i < 200; i++) {
      int n = 1 + rnd.nextInt(40);
      List<G2Point> pts = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        int pick = rnd.nextInt(10);
        if (pick == 0) {
          pts.add(G2Point.INFINITY);
        } else if (pick == 1 && !pts.isEmpty()) {
          pts.add(pts.get(rnd.nextInt(pts.size())));
        } else if (pick == 2 && !pts.isEmpty()) {
          pts.add(pts.get(rnd.nextInt(pts.size())).negate());
        } else {
          pts.add(g.mul(new BigInteger(256, rnd)));
        }
      }
      cases.add(pts);
    }
    for (List<G2Point> c : cases) {
      assertThat(G2Point.sum(c)).as("sum of %s", c).isEqualTo(sumByObjects(c));
    }
  }

  private static BigInteger digitsValue(int[] digits) {
    BigInteger v = BigInteger.ZERO;
    for (int i = digits.length - 1; i >= 0; i--) {
      v = v.shiftLeft(1).add(BigInteger.valueOf(digits[i]));
    }
    return v;
  }

  @Test
  void widthWNafIsAValidRecodingOfK() {
    List<BigInteger> ks = new ArrayList<>();
    ks.add(BigInteger.valueOf(Bn254.U));
    ks.add(BigInteger.ONE);
    ks.add(BigInteger.valueOf(7));
    ks.add(BigInteger.valueOf(255));
    for (int i = 0; i < 200; i++) {
      ks.add(new BigInteger(1 + rnd.nextInt(256), rnd).add(BigInteger.ONE));
    }
    for (BigInteger k : ks) {
      assertThat(Bn254.wnaf(k, 2)).isEqualTo(Bn254.naf(k));
      for (int w = 2; w <= 6; w++) {
        int[] d = Bn254.wnaf(k, w);
        assertThat(digitsValue(d)).as("wNAF_%d(%s)", w, k).isEqualTo(k);
        assertThat(d[d.length - 1]).isPositive();
        int lastNonZero = -w;
        for (int i = 0; i < d.length; i++) {
          if (d[i] != 0) {
            assertThat(Math.abs(d[i]) % 2).isEqualTo(1);
            assertThat(Math.abs(d[i])).isLessThan(1 << (w - 1));
            assertThat(i - lastNonZero).as("gap in wNAF_%d(%s)", w, k).isGreaterThanOrEqualTo(w);
            lastNonZero = i;
          }
        }
      }
    }
    assertThat(FlatTower.U_WNAF4).isEqualTo(Bn254.wnaf(BigInteger.valueOf(Bn254.U), 4));
  }

  @Test
  void windowedExpByUMatchesTheNafPath() {
    FlatTower t = new FlatTower();
    List<Fp12> xs = new ArrayList<>();
    xs.add(Fp12.ONE);
    for (int i = 0; i < 30; i++) {
      xs.add(Pairing.easyPart(FieldTest.randomFp12(rnd)));
    }
    for (Fp12 x : xs) {
      long[] a = FlatTower.flat(x);
      long[] windowed = new long[FlatTower.FP12];
      long[] naf = new long[FlatTower.FP12];
      t.expByNegU(a, windowed);
      t.expByNegUNaf(a, naf);
      assertThat(windowed).isEqualTo(naf);
      assertThat(FlatTower.toFp12(windowed)).isEqualTo(Pairing.expByNegU(x));
    }
  }

  @Test
  void multiScalarMatchesTheSumOfScalarMultiplications() {
    for (int n : new int[] {0, 1, 2, 3, 7, 33, 200}) {
      G1Point[] p1 = new G1Point[n];
      G2Point[] p2 = new G2Point[n];
      long[] k = new long[n];
      G1Jacobian ref1 = G1Jacobian.INFINITY;
      G2Jacobian ref2 = G2Jacobian.INFINITY;
      for (int i = 0; i < n; i++) {
        // repeated points, zero, one and the largest scalar on purpose
        p1[i] = i % 5 == 4 ? p1[i - 1] : G1Point.GENERATOR.mul(new BigInteger(200, rnd));
        p2[i] = i % 5 == 4 ? p2[i - 1] : G2Point.GENERATOR.mul(new BigInteger(200, rnd));
        k[i] =
            switch (i % 7) {
              case 1 -> 0;
              case 2 -> 1;
              case 3 -> Long.MAX_VALUE;
              default -> rnd.nextLong() >>> 1;
            };
        ref1 = ref1.add(p1[i].toJacobian().mul(BigInteger.valueOf(k[i])));
        ref2 = ref2.add(p2[i].toJacobian().mul(BigInteger.valueOf(k[i])));
      }
      assertThat(MultiScalar.g1(p1, k).toAffine()).as("G1, n = %d", n).isEqualTo(ref1.toAffine());
      assertThat(MultiScalar.g2(p2, k).toAffine()).as("G2, n = %d", n).isEqualTo(ref2.toAffine());
    }
    // P and −P cancel inside one bucket
    G1Point a = G1Point.GENERATOR.mul(BigInteger.valueOf(77));
    assertThat(MultiScalar.g1(new G1Point[] {a, a.negate()}, new long[] {5, 5}).isInfinity())
        .isTrue();
    assertThatThrownBy(() -> MultiScalar.g1(new G1Point[] {a}, new long[] {-1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scalar #0 is negative");
    assertThatThrownBy(() -> MultiScalar.g2(new G2Point[0], new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 points and 1 scalars");
  }

  @Test
  void glvMultiplicationMatchesTheWindowMethod() {
    BigInteger r = Bn254.R;
    BigInteger lambda = G1Jacobian.Endo.GLV.lambda;
    assertThat(lambda.multiply(lambda).add(lambda).add(BigInteger.ONE).mod(r)).isZero();
    List<BigInteger> ks = new ArrayList<>();
    for (BigInteger e :
        new BigInteger[] {
          BigInteger.ZERO,
          BigInteger.ONE,
          lambda,
          r.subtract(lambda),
          r.subtract(BigInteger.ONE),
          r,
          r.add(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(128),
          BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE),
          r.shiftRight(1),
          lambda.multiply(lambda).mod(r)
        }) {
      ks.add(e);
    }
    for (int i = 0; i < 200; i++) {
      ks.add(new BigInteger(256, rnd));
      ks.add(new BigInteger(1 + rnd.nextInt(256), rnd));
    }
    G1Jacobian[] points = {
      G1Point.GENERATOR.toJacobian(),
      G1Point.GENERATOR.mul(new BigInteger(250, rnd)).toJacobian(),
      // a Jacobian point with Z ≠ 1
      G1Point.GENERATOR.toJacobian().dbl().add(G1Point.GENERATOR.mul(BigInteger.TEN).toJacobian())
    };
    for (BigInteger k : ks) {
      BigInteger[] parts = G1Jacobian.Endo.GLV.split(k.mod(r));
      assertThat(parts[0].add(parts[1].multiply(lambda)).subtract(k).mod(r)).isZero();
      assertThat(parts[0].abs().bitLength()).as("|k1| of %s", k).isLessThanOrEqualTo(128);
      assertThat(parts[1].abs().bitLength()).as("|k2| of %s", k).isLessThanOrEqualTo(128);
      for (G1Jacobian p : points) {
        assertThat(p.mul(k).toAffine()).as("k = %s", k).isEqualTo(p.mulReference(k).toAffine());
      }
    }
    assertThat(G1Point.GENERATOR.toJacobian().mul(BigInteger.valueOf(-5)).toAffine())
        .isEqualTo(G1Point.GENERATOR.mul(BigInteger.valueOf(5)).negate());
  }

  @Test
  void glsMultiplicationInG2MatchesTheWindowMethod() {
    BigInteger r = Bn254.R;
    BigInteger lambda = G2Jacobian.Endo.GLS.lambda;
    G2Jacobian g = G2Point.GENERATOR.toJacobian();
    assertThat(g.psi().toAffine()).isEqualTo(g.mul(lambda).toAffine());
    List<BigInteger> ks = new ArrayList<>();
    for (BigInteger e :
        new BigInteger[] {
          BigInteger.ZERO,
          BigInteger.ONE,
          lambda,
          r.subtract(lambda),
          r.subtract(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(128),
          BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE),
          r.shiftRight(1)
        }) {
      ks.add(e);
    }
    for (int i = 0; i < 60; i++) {
      ks.add(new BigInteger(256, rnd).mod(r));
      ks.add(new BigInteger(1 + rnd.nextInt(254), rnd));
    }
    G2Jacobian[] points = {
      g, G2Point.GENERATOR.mul(new BigInteger(250, rnd)).toJacobian(), g.dbl().add(g.dbl().dbl())
    };
    for (BigInteger k : ks) {
      BigInteger[] parts = G2Jacobian.Endo.GLS.split(k);
      assertThat(parts[0].add(parts[1].multiply(lambda)).subtract(k).mod(r)).isZero();
      assertThat(parts[0].abs().bitLength()).as("|k1| of %s", k).isLessThanOrEqualTo(128);
      assertThat(parts[1].abs().bitLength()).as("|k2| of %s", k).isLessThanOrEqualTo(128);
      for (G2Jacobian p : points) {
        assertThat(p.mulInG2(k).toAffine()).as("k = %s", k).isEqualTo(p.mul(k).toAffine());
      }
    }
    assertThat(G2Point.GENERATOR.mul(r.add(BigInteger.TEN)))
        .isEqualTo(G2Point.GENERATOR.mul(BigInteger.TEN));
  }
}
