package io.cvmavs.crypto.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairingTest {
  private static final BigInteger R = Bn254.R;
  private final Random rnd = new Random(11);

  private BigInteger scalar() {
    return new BigInteger(256, rnd).mod(R);
  }

  @Test
  void nafDigitsReconstructTheLoopCountAndTheBnParameter() {
    for (BigInteger k : new BigInteger[] {Bn254.ATE_LOOP, BigInteger.valueOf(Bn254.U)}) {
      int[] d = Bn254.naf(k);
      BigInteger sum = BigInteger.ZERO;
      for (int i = d.length - 1; i >= 0; i--) {
        sum = sum.shiftLeft(1).add(BigInteger.valueOf(d[i]));
        if (i > 0) {
          assertThat(d[i] != 0 && d[i - 1] != 0).as("adjacent non-zero digits at %d", i).isFalse();
        }
      }
      assertThat(sum).isEqualTo(k);
      assertThat(d[d.length - 1]).isEqualTo(1);
    }
  }

  @Test
  void nonDegenerateAndOfOrderR() {
    Fp12 e = Pairing.pair(G1Point.GENERATOR, G2Point.GENERATOR);
    assertThat(e.isOne()).isFalse();
    assertThat(e.pow(R).isOne()).isTrue();
  }

  @Test
  void bilinear() {
    Fp12 e = Pairing.pair(G1Point.GENERATOR, G2Point.GENERATOR);
    for (int i = 0; i < 4; i++) {
      BigInteger a = scalar();
      BigInteger b = scalar();
      G1Point pa = G1Point.GENERATOR.mul(a);
      G2Point qb = G2Point.GENERATOR.mul(b);
      Fp12 eab = Pairing.pair(pa, qb);
      assertThat(eab).isEqualTo(e.pow(a.multiply(b).mod(R)));
      assertThat(eab)
          .isEqualTo(Pairing.pair(G1Point.GENERATOR.mul(a.multiply(b)), G2Point.GENERATOR));
      assertThat(eab)
          .isEqualTo(Pairing.pair(G1Point.GENERATOR, G2Point.GENERATOR.mul(a.multiply(b))));
    }
    G1Point p1 = G1Point.GENERATOR.mul(scalar());
    G1Point p2 = G1Point.GENERATOR.mul(scalar());
    G2Point q = G2Point.GENERATOR.mul(scalar());
    assertThat(Pairing.pair(p1.add(p2), q)).isEqualTo(Pairing.pair(p1, q).mul(Pairing.pair(p2, q)));
  }

  @Test
  void productAndCheckMatchPrecompileSemantics() {
    BigInteger a = scalar();
    BigInteger b = scalar();
    G1Point p = G1Point.GENERATOR.mul(a);
    G2Point q = G2Point.GENERATOR.mul(b);
    // e(aG1, bG2) · e(−abG1, G2) = 1
    assertThat(
            Pairing.check(
                new G1Point[] {p, G1Point.GENERATOR.mul(a.multiply(b)).negate()},
                new G2Point[] {q, G2Point.GENERATOR}))
        .isTrue();
    assertThat(
            Pairing.check(
                new G1Point[] {p, G1Point.GENERATOR.mul(a.multiply(b))},
                new G2Point[] {q, G2Point.GENERATOR}))
        .isFalse();
    assertThat(Pairing.check(new G1Point[0], new G2Point[0])).isTrue();
    assertThat(Pairing.check(new G1Point[] {G1Point.INFINITY}, new G2Point[] {q})).isTrue();
    assertThat(Pairing.check(new G1Point[] {p}, new G2Point[] {G2Point.INFINITY})).isTrue();
    Fp12 multi = Pairing.product(new G1Point[] {p, G1Point.GENERATOR}, new G2Point[] {q, q});
    assertThat(multi).isEqualTo(Pairing.pair(p, q).mul(Pairing.pair(G1Point.GENERATOR, q)));
  }

  @Test
  void fastFinalExponentiationIsAFixedPowerOfTheTextbookOne() {
    G2Prepared q = G2Prepared.of(G2Point.GENERATOR.mul(scalar()));
    Fp12 f =
        Pairing.millerLoop(new G1Point[] {G1Point.GENERATOR.mul(scalar())}, new G2Prepared[] {q});
    BigInteger u = BigInteger.valueOf(Bn254.U);
    BigInteger k =
        u.shiftLeft(1)
            .multiply(
                u.pow(2)
                    .multiply(BigInteger.valueOf(6))
                    .add(u.multiply(BigInteger.valueOf(3)))
                    .add(BigInteger.ONE));
    assertThat(Pairing.finalExponentiation(f))
        .isEqualTo(Pairing.finalExponentiationReference(f).pow(k));
    assertThat(k.gcd(R)).isEqualTo(BigInteger.ONE);
  }
}
