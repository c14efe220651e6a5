package io.cvmavs.crypto.bn254;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.crypto.MalformedEncodingException;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldTest {
  private static final BigInteger P = Fp.P;
  private final Random rnd = new Random(42);

  private BigInteger randomBelowP() {
    return new BigInteger(256, rnd).mod(P);
  }

  static Fp2 randomFp2(Random rnd) {
    return Fp2.of(new BigInteger(256, rnd), new BigInteger(256, rnd));
  }

  static Fp6 randomFp6(Random rnd) {
    return new Fp6(randomFp2(rnd), randomFp2(rnd), randomFp2(rnd));
  }

  static Fp12 randomFp12(Random rnd) {
    return new Fp12(randomFp6(rnd), randomFp6(rnd));
  }

  @Test
  void fpMatchesBigIntegerArithmetic() {
    BigInteger[] edge = {
      BigInteger.ZERO,
      BigInteger.ONE,
      BigInteger.TWO,
      P.subtract(BigInteger.ONE),
      P.subtract(BigInteger.TWO),
      BigInteger.ONE.shiftLeft(64),
      BigInteger.ONE.shiftLeft(192).subtract(BigInteger.ONE)
    };
    for (int i = 0; i < 3000; i++) {
      BigInteger a = i < edge.length * edge.length ? edge[i % edge.length] : randomBelowP();
      BigInteger b = i < edge.length * edge.length ? edge[i / edge.length] : randomBelowP();
      Fp fa = Fp.of(a);
      Fp fb = Fp.of(b);
      assertThat(fa.toBigInteger()).isEqualTo(a);
      assertThat(fa.add(fb).toBigInteger()).isEqualTo(a.add(b).mod(P));
      assertThat(fa.sub(fb).toBigInteger()).isEqualTo(a.subtract(b).mod(P));
      assertThat(fa.mul(fb).toBigInteger()).isEqualTo(a.multiply(b).mod(P));
      assertThat(fa.square().toBigInteger()).isEqualTo(a.multiply(a).mod(P));
      assertThat(fa.neg().toBigInteger()).isEqualTo(a.negate().mod(P));
      assertThat(new BigInteger(1, fa.toBytes())).isEqualTo(a);
      assertThat(Fp.fromBytes(fa.toBytes(), 0)).isEqualTo(fa);
      if (a.signum() != 0 && i % 10 == 0) {
        assertThat(fa.inverse().toBigInteger()).isEqualTo(a.modInverse(P));
      }
    }
  }

  @Test
  void fpSqrtAndRejectsNonCanonicalBytes() {
    for (int i = 0; i < 50; i++) {
      Fp a = Fp.of(randomBelowP());
      Fp sq = a.square();
      Fp s = sq.sqrt();
      assertThat(s).isNotNull();
      assertThat(s.square()).isEqualTo(sq);
    }
    // -1 is a non-residue because p = 3 mod 4
    assertThat(Fp.ONE.neg().sqrt()).isNull();
    byte[] pBytes = new byte[32];
    byte[] raw = P.toByteArray();
    System.arraycopy(raw, raw.length - 32, pBytes, 0, 32);
    assertThatThrownBy(() -> Fp.fromBytes(pBytes, 0))
        .isInstanceOf(MalformedEncodingException.class)
        .hasMessageContaining("not below the modulus");
    assertThatThrownBy(() -> Fp.fromBytes(new byte[31], 0))
        .isInstanceOf(MalformedEncodingException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void fp2Fp6Fp12FieldLaws() {
    for (int i = 0; i < 20; i++) {
      Fp2 a2 = randomFp2(rnd);
      Fp2 b2 = randomFp2(rnd);
      assertThat(a2.mul(a2.inverse())).isEqualTo(Fp2.ONE);
      assertThat(a2.square()).isEqualTo(a2.mul(a2));
      assertThat(a2.mulByXi()).isEqualTo(a2.mul(Fp2.XI));
      assertThat(a2.mul(b2)).isEqualTo(b2.mul(a2));
      Fp6 a6 = randomFp6(rnd);
      Fp6 b6 = randomFp6(rnd);
      Fp6 c6 = randomFp6(rnd);
      assertThat(a6.mul(a6.inverse())).isEqualTo(Fp6.ONE);
      assertThat(a6.square()).isEqualTo(a6.mul(a6));
      assertThat(a6.mul(b6.add(c6))).isEqualTo(a6.mul(b6).add(a6.mul(c6)));
      assertThat(a6.mul(b6).mul(c6)).isEqualTo(a6.mul(b6.mul(c6)));
      assertThat(a6.mulByV()).isEqualTo(a6.mul(new Fp6(Fp2.ZERO, Fp2.ONE, Fp2.ZERO)));
      assertThat(a6.mulBy01(a2, b2)).isEqualTo(a6.mul(new Fp6(a2, b2, Fp2.ZERO)));
      Fp12 a12 = randomFp12(rnd);
      Fp12 b12 = randomFp12(rnd);
      Fp12 c12 = randomFp12(rnd);
      assertThat(a12.mul(a12.inverse())).isEqualTo(Fp12.ONE);
      assertThat(a12.square()).isEqualTo(a12.mul(a12));
      assertThat(a12.mul(b12).mul(c12)).isEqualTo(a12.mul(b12.mul(c12)));
      Fp2 l0 = randomFp2(rnd);
      Fp2 l3 = randomFp2(rnd);
      Fp2 l4 = randomFp2(rnd);
      Fp12 sparse = new Fp12(new Fp6(l0, Fp2.ZERO, Fp2.ZERO), new Fp6(l3, l4, Fp2.ZERO));
      assertThat(a12.mulBy034(l0, l3, l4)).isEqualTo(a12.mul(sparse));
    }
  }

  @Test
  void fp2SquareRoots() {
    int nonSquares = 0;
    for (int i = 0; i < 40; i++) {
      Fp2 a = randomFp2(rnd);
      Fp2 s = a.square().sqrt();
      assertThat(s).isNotNull();
      assertThat(s.square()).isEqualTo(a.square());
      Fp2 r = a.sqrt();
      if (r == null) {
        nonSquares++;
        // a non-square times a non-square is a square
        assertThat(a.mul(Fp2.XI).sqrt()).isNotNull();
      } else {
        assertThat(r.square()).isEqualTo(a);
      }
    }
    assertThat(nonSquares).isBetween(5, 35);
    assertThat(new Fp2(Fp.of(-4), Fp.ZERO).sqrt().square()).isEqualTo(new Fp2(Fp.of(-4), Fp.ZERO));
    assertThat(Fp2.XI.sqrt()).isNull();
  }

  @Test
  void frobeniusIsThePowerOfP() {
    Fp12 a = randomFp12(rnd);
    Fp12 ap = a.pow(P);
    assertThat(a.frobenius(1)).isEqualTo(ap);
    assertThat(a.frobenius(2)).isEqualTo(ap.pow(P));
    assertThat(a.frobenius(3)).isEqualTo(a.frobenius(2).frobenius(1));
    assertThat(a.frobenius(0)).isEqualTo(a);
    Fp6 b = randomFp6(rnd);
    assertThat(b.frobenius(1)).isEqualTo(b.mul(Fp6.ONE).frobenius(1));
    assertThat(b.frobenius(2)).isEqualTo(b.frobenius(1).frobenius(1));
  }
}
