package io.cvmavs.crypto.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free tower must agree with the immutable reference classes operation by operation.
 */
class FlatTowerTest {
  private final Random rnd = new Random(99);
  private final FlatTower t = new FlatTower();

  @Test
  void fp2AndFp6OpsMatchReference() {
    for (int i = 0; i < 50; i++) {
      Fp2 a = FieldTest.randomFp2(rnd);
      Fp2 b = FieldTest.randomFp2(rnd);
      long[] fa = FlatTower.flat(a);
      long[] fb = FlatTower.flat(b);
      long[] r = new long[8];
      t.fp2Mul(fa, 0, fb, 0, r, 0);
      assertThat(FlatTower.loadFp2(r, 0)).isEqualTo(a.mul(b));
      t.fp2Sqr(fa, 0, r, 0);
      assertThat(FlatTower.loadFp2(r, 0)).isEqualTo(a.square());
      t.fp2MulByXi(fa, 0, r, 0);
      assertThat(FlatTower.loadFp2(r, 0)).isEqualTo(a.mulByXi());
      FlatTower.fp2Sub(fa, 0, fb, 0, r, 0);
      assertThat(FlatTower.loadFp2(r, 0)).isEqualTo(a.sub(b));
      FlatTower.fp2Neg(fa, 0, r, 0);
      assertThat(FlatTower.loadFp2(r, 0)).isEqualTo(a.neg());
      // in place
      t.fp2Mul(fa, 0, fb, 0, fa, 0);
      assertThat(FlatTower.loadFp2(fa, 0)).isEqualTo(a.mul(b));
    }
  }

  @Test
  void fp12OpsMatchReference() {
    for (int i = 0; i < 20; i++) {
      Fp12 a = FieldTest.randomFp12(rnd);
      Fp12 b = FieldTest.randomFp12(rnd);
      long[] fa = FlatTower.flat(a);
      long[] fb = FlatTower.flat(b);
      long[] r = new long[FlatTower.FP12];
      t.fp12Mul(fa, fb, r);
      assertThat(FlatTower.toFp12(r)).isEqualTo(a.mul(b));
      t.fp12Sqr(fa, r);
      assertThat(FlatTower.toFp12(r)).isEqualTo(a.square());
      FlatTower.fp12Conj(fa, r);
      assertThat(FlatTower.toFp12(r)).isEqualTo(a.conjugate());
      for (int k = 1; k <= 3; k++) {
        t.fp12Frobenius(fa, k, r);
        assertThat(FlatTower.toFp12(r)).isEqualTo(a.frobenius(k));
      }
      Fp2 l0 = FieldTest.randomFp2(rnd);
      Fp2 l3 = FieldTest.randomFp2(rnd);
      Fp2 l4 = FieldTest.randomFp2(rnd);
      long[] line = new long[24];
      FlatTower.store(l0, line, 0);
      FlatTower.store(l3, line, 8);
      FlatTower.store(l4, line, 16);
      long[] f = FlatTower.flat(a);
      t.fp12MulBy034(f, line, 0, 8, 16);
      assertThat(FlatTower.toFp12(f)).isEqualTo(a.mulBy034(l0, l3, l4));
      // cyclotomic squaring agrees with squaring on the cyclotomic subgroup
      Fp12 c = Pairing.easyPart(a);
      long[] fc = FlatTower.flat(c);
      t.fp12CyclotomicSqr(fc, r);
      assertThat(FlatTower.toFp12(r)).isEqualTo(c.square());
    }
  }

  @Test
  void lineCoefficientsMatchReference() {
    for (int i = 0; i < 3; i++) {
      G2Point q = G2Point.GENERATOR.mul(new BigInteger(256, rnd));
      assertThat(G2Prepared.of(q).flatCoeffs).isEqualTo(G2Prepared.ofReference(q).flatCoeffs);
      assertThat(G2Prepared.of(q).flatCoeffs).hasSize(G2Prepared.LINES * 3 * FlatTower.FP2);
    }
  }

  @Test
  void millerLoopAndFinalExponentiationMatchReference() {
    for (int i = 0; i < 3; i++) {
      G1Point[] ps = {
        G1Point.GENERATOR.mul(new BigInteger(256, rnd)),
        G1Point.GENERATOR.mul(new BigInteger(256, rnd))
      };
      G2Prepared[] qs = {
        G2Prepared.of(G2Point.GENERATOR.mul(new BigInteger(256, rnd))),
        G2Prepared.of(G2Point.GENERATOR.mul(new BigInteger(256, rnd)))
      };
      Fp12 f = Pairing.millerLoop(ps, qs);
      assertThat(f).isEqualTo(Pairing.millerLoopObjects(ps, qs));
      assertThat(Pairing.finalExponentiation(f)).isEqualTo(Pairing.finalExponentiationObjects(f));
    }
  }
}
