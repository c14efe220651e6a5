package io.cvmavs.crypto.bn254;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.crypto.InvalidPointException;
import io.cvmavs.crypto.MalformedEncodingException;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CurveTest {
  private static final BigInteger R = Bn254.R;
  private final Random rnd = new Random(7);

  private BigInteger scalar() {
    return new BigInteger(256, rnd).mod(R);
  }

  @Test
  void generatorsAreValidAndHaveOrderR() {
    assertThat(G1Point.GENERATOR.x()).isEqualTo(BigInteger.ONE);
    assertThat(G1Point.GENERATOR.y()).isEqualTo(BigInteger.TWO);
    assertThat(G1Point.GENERATOR.toJacobian().mul(R).isInfinity()).isTrue();
    assertThat(G1Point.GENERATOR.mul(R.subtract(BigInteger.ONE)))
        .isEqualTo(G1Point.GENERATOR.negate());
    assertThat(G2Point.isOnCurve(G2Point.GENERATOR.x, G2Point.GENERATOR.y)).isTrue();
    assertThat(G2Point.GENERATOR.isInSubgroup()).isTrue();
    assertThat(G2Point.GENERATOR.mul(R.subtract(BigInteger.ONE)))
        .isEqualTo(G2Point.GENERATOR.negate());
  }

  @Test
  void g1GroupLaws() {
    G1Point g = G1Point.GENERATOR;
    for (int i = 0; i < 30; i++) {
      BigInteger a = scalar();
      BigInteger b = scalar();
      G1Point pa = g.mul(a);
      G1Point pb = g.mul(b);
      assertThat(pa.add(pb)).isEqualTo(g.mul(a.add(b)));
      assertThat(pa.add(pb)).isEqualTo(pb.add(pa));
      assertThat(pa.mul(b)).isEqualTo(pb.mul(a));
      assertThat(pa.add(pa)).isEqualTo(pa.mul(BigInteger.TWO));
      assertThat(pa.add(pa.negate())).isEqualTo(G1Point.INFINITY);
      assertThat(pa.add(G1Point.INFINITY)).isEqualTo(pa);
      assertThat(G1Point.fromBytes(pa.toBytes())).isEqualTo(pa);
      G1Jacobian j = pa.toJacobian().add(pb.toJacobian()).add(pa.toJacobian());
      assertThat(j.toAffine()).isEqualTo(g.mul(a.add(a).add(b)));
      assertThat(j.equalsPoint(g.mul(a.add(a).add(b)).toJacobian().dbl().add(j.negate()))).isTrue();
      assertThat(j.equalsPoint(pa.toJacobian())).isFalse();
    }
    assertThat(g.mul(BigInteger.ZERO)).isEqualTo(G1Point.INFINITY);
    assertThat(G1Point.fromBytes(new byte[64])).isEqualTo(G1Point.INFINITY);
    assertThat(G1Point.INFINITY.toBytes()).isEqualTo(new byte[64]);
  }

  @Test
  void g2GroupLawsAndEvmEncoding() {
    G2Point g = G2Point.GENERATOR;
    for (int i = 0; i < 10; i++) {
      BigInteger a = scalar();
      BigInteger b = scalar();
      G2Point qa = g.mul(a);
      G2Point qb = g.mul(b);
      assertThat(qa.add(qb)).isEqualTo(g.mul(a.add(b)));
      assertThat(qa.mul(b)).isEqualTo(qb.mul(a));
      assertThat(qa.add(qa)).isEqualTo(qa.mul(BigInteger.TWO));
      assertThat(qa.add(qa.negate())).isEqualTo(G2Point.INFINITY);
      assertThat(G2Point.fromEvmBytes(qa.toEvmBytes())).isEqualTo(qa);
      G2Jacobian j = qa.toJacobian().add(qb.toJacobian());
      assertThat(j.equalsPoint(qb.toJacobian().addAffine(qa))).isTrue();
      assertThat(j.dbl().toAffine()).isEqualTo(g.mul(a.add(b).shiftLeft(1)));
    }
    byte[] enc = g.toEvmBytes();
    assertThat(new BigInteger(1, java.util.Arrays.copyOfRange(enc, 0, 32)))
        .isEqualTo(
            new BigInteger(
                "11559732032986387107991004021392285783925812861821192530917403151452391805634"));
    assertThat(g.evmX()[1])
        .isEqualTo(
            new BigInteger(
                "10857046999023057135944570762232829481370756359578518086990519993285655852781"));
  }

  @Test
  void psiActsAsMultiplicationByP() {
    G2Point q = G2Point.GENERATOR.mul(scalar());
    assertThat(G2Prepared.psi(q)).isEqualTo(q.mul(Fp.P.mod(R)));
  }

  @Test
  void rejectsInvalidPoints() {
    assertThatThrownBy(() -> G1Point.of(BigInteger.ONE, BigInteger.valueOf(3)))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("not on the curve");
    assertThatThrownBy(() -> G1Point.of(Fp.P, BigInteger.TWO))
        .isInstanceOf(MalformedEncodingException.class)
        .hasMessageContaining("not in [0, p)");
    assertThatThrownBy(() -> G1Point.fromBytes(new byte[63]))
        .isInstanceOf(MalformedEncodingException.class)
        .hasMessageContaining("64 bytes");
    assertThatThrownBy(() -> G1Point.INFINITY.requireNotInfinity("signature"))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("signature is the G1 point at infinity");
    // a twist point outside G2: find x with x³ + b' a square in F_p2 and check it is refused
    G2Point outside = twistPointOutsideSubgroup();
    assertThatThrownBy(() -> G2Point.fromEvmBytes(outside.toEvmBytes()))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("not in the order-r subgroup");
    byte[] offCurve = G2Point.GENERATOR.toEvmBytes();
    offCurve[127] ^= 1;
    assertThatThrownBy(() -> G2Point.fromEvmBytes(offCurve))
        .isInstanceOf(InvalidPointException.class)
        .hasMessageContaining("not on the twist");
  }

  /** A point of E'(F_p2) that is not in G2 (the twist has a large cofactor). */
  static G2Point twistPointOutsideSubgroup() {
    for (int i = 1; ; i++) {
      Fp2 x = Fp2.of(BigInteger.valueOf(i), BigInteger.ONE);
      Fp2 rhs = x.square().mul(x).add(G2Point.B);
      Fp2 y = rhs.sqrt();
      if (y != null) {
        G2Point p = new G2Point(x, y);
        if (!p.isInSubgroup()) {
          return p;
        }
      }
    }
  }
}
