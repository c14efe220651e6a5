package io.cvmavs.crypto.precompile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.crypto.CryptoException;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bls.HashToG1;
import io.cvmavs.crypto.bls.ProofOfPossession;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.Fp;
import io.cvmavs.crypto.bn254.Fp2;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.Pairing;
import io.cvmavs.crypto.bn254.TwistPoints;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks the Java BN254 arithmetic against the EVM precompiles 0x06 (add), 0x07 (mul) and
 * 0x08 (pairing) of a real anvil: ≥ 1,000 random cases each, plus edge cases (infinity, doubling,
 * inverse points, scalars ≥ r) and invalid inputs, which both sides must refuse.
 */
@WithAnvil
class Bn254PrecompileIT {
  private static final int CASES = 1000;
  private final Random rnd = new Random(2026);

  private BigInteger scalar() {
    return new BigInteger(256, rnd).mod(Bn254.R);
  }

  private G1Point randomG1() {
    return G1Point.GENERATOR.mul(scalar());
  }

  /** Mix of random points, infinity and small multiples. */
  private G1Point g1Case(int i) {
    return switch (i % 10) {
      case 0 -> G1Point.INFINITY;
      case 1 -> G1Point.GENERATOR;
      default -> randomG1();
    };
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  private static byte[] word(BigInteger v) {
    byte[] out = new byte[32];
    byte[] raw = v.toByteArray();
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return out;
  }

  /** A pair (x, y) with coordinates below p that is not on y² = x³ + 3. */
  private byte[] offCurveG1() {
    while (true) {
      BigInteger x = new BigInteger(256, rnd).mod(Bn254.P);
      BigInteger y = new BigInteger(256, rnd).mod(Bn254.P);
      Fp fx = Fp.of(x);
      if (!Fp.of(y).square().equals(fx.square().mul(fx).add(Fp.of(3)))) {
        return concat(word(x), word(y));
      }
    }
  }

  @Test
  void addMatchesPrecompile0x06(AnvilNode anvil) throws IOException {
    EvmPrecompiles evm = new EvmPrecompiles(anvil.web3j());
    List<byte[]> inputs = new ArrayList<>();
    List<G1Point> expected = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      G1Point a = g1Case(i);
      G1Point b =
          switch (i % 7) {
            case 0 -> a; // doubling
            case 1 -> a.negate(); // sum is infinity
            case 2 -> G1Point.INFINITY;
            default -> randomG1();
          };
      inputs.add(concat(a.toBytes(), b.toBytes()));
      expected.add(a.add(b));
    }
    List<Optional<byte[]>> out = evm.call(EvmPrecompiles.ADD, inputs);
    for (int i = 0; i < CASES; i++) {
      assertThat(out.get(i)).as("case %d", i).isPresent();
      assertThat(G1Point.fromBytes(out.get(i).get())).as("case %d", i).isEqualTo(expected.get(i));
    }
    // invalid: off-curve points and coordinates >= p are refused by both sides
    List<byte[]> bad = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] off = offCurveG1();
      bad.add(i % 2 == 0 ? concat(off, randomG1().toBytes()) : concat(randomG1().toBytes(), off));
    }
    byte[] xTooBig = concat(word(Bn254.P.add(BigInteger.ONE)), word(BigInteger.TWO));
    bad.add(concat(xTooBig, G1Point.GENERATOR.toBytes()));
    assertRefusedByBoth(
        evm,
        EvmPrecompiles.ADD,
        bad,
        in -> {
          G1Point.fromBytes(in, 0);
          G1Point.fromBytes(in, 64);
        });
  }

  @Test
  void mulMatchesPrecompile0x07(AnvilNode anvil) throws IOException {
    EvmPrecompiles evm = new EvmPrecompiles(anvil.web3j());
    List<byte[]> inputs = new ArrayList<>();
    List<G1Point> expected = new ArrayList<>();
    BigInteger[] edge = {
      BigInteger.ZERO,
      BigInteger.ONE,
      BigInteger.TWO,
      Bn254.R.subtract(BigInteger.ONE),
      Bn254.R,
      Bn254.R.add(BigInteger.ONE),
      BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)
    };
    for (int i = 0; i < CASES; i++) {
      G1Point p = g1Case(i);
      BigInteger k =
          i < edge.length * 3
              ? edge[i % edge.length]
              : i % 5 == 0 ? new BigInteger(256, rnd) : scalar();
      inputs.add(concat(p.toBytes(), word(k)));
      expected.add(p.mul(k));
    }
    List<Optional<byte[]>> out = evm.call(EvmPrecompiles.MUL, inputs);
    for (int i = 0; i < CASES; i++) {
      assertThat(out.get(i)).as("case %d", i).isPresent();
      assertThat(G1Point.fromBytes(out.get(i).get())).as("case %d", i).isEqualTo(expected.get(i));
    }
    List<byte[]> bad = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      bad.add(concat(offCurveG1(), word(scalar())));
    }
    assertRefusedByBoth(evm, EvmPrecompiles.MUL, bad, in -> G1Point.fromBytes(in, 0));
  }

  @Test
  void pairingMatchesPrecompile0x08(AnvilNode anvil) throws IOException {
    EvmPrecompiles evm = new EvmPrecompiles(anvil.web3j());
    List<byte[]> inputs = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    G2Point[] g2Pool = new G2Point[40];
    for (int i = 0; i < g2Pool.length; i++) {
      g2Pool[i] = i == 0 ? G2Point.INFINITY : G2Point.GENERATOR.mul(scalar());
    }
    for (int i = 0; i < CASES; i++) {
      int pairs = 1 + i % 3;
      G1Point[] ps = new G1Point[pairs];
      G2Point[] qs = new G2Point[pairs];
      if (i % 2 == 0 && pairs >= 2) {
        // a product that is 1: e(a·P, Q) · e(−P, a·Q) [· e(infinity-or-random, ...)]
        BigInteger a = scalar();
        G1Point p = randomG1();
        G2Point q = g2Pool[1 + rnd.nextInt(g2Pool.length - 1)];
        ps[0] = p.mul(a);
        qs[0] = q;
        ps[1] = p.negate();
        qs[1] = q.mul(a);
        if (pairs == 3) {
          ps[2] = randomG1();
          qs[2] = G2Point.INFINITY;
        }
      } else {
        for (int k = 0; k < pairs; k++) {
          ps[k] = g1Case(rnd.nextInt(10));
          qs[k] = g2Pool[rnd.nextInt(g2Pool.length)];
        }
      }
      byte[] in = new byte[0];
      for (int k = 0; k < pairs; k++) {
        in = concat(in, ps[k].toBytes(), qs[k].toEvmBytes());
      }
      inputs.add(in);
      expected.add(Pairing.check(ps, qs));
    }
    inputs.add(new byte[0]);
    expected.add(true);
    List<Optional<byte[]>> out = evm.call(EvmPrecompiles.PAIRING, inputs);
    int trues = 0;
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(out.get(i)).as("case %d", i).isPresent();
      boolean evmResult = new BigInteger(1, out.get(i).get()).equals(BigInteger.ONE);
      assertThat(evmResult).as("case %d", i).isEqualTo(expected.get(i));
      trues += evmResult ? 1 : 0;
    }
    assertThat(trues).as("both outcomes are exercised").isBetween(300, inputs.size() - 300);
  }

  @Test
  void pairingRefusesInvalidG2LikeThePrecompile(AnvilNode anvil) throws IOException {
    EvmPrecompiles evm = new EvmPrecompiles(anvil.web3j());
    List<byte[]> bad = new ArrayList<>();
    byte[] g1 = G1Point.GENERATOR.toBytes();
    for (int i = 0; i < 20; i++) {
      // on the twist but outside the order-r subgroup
      bad.add(concat(g1, twistPointOutsideSubgroup(i + 1)));
      // not on the twist
      byte[] q = G2Point.GENERATOR.mul(scalar()).toEvmBytes();
      q[127] ^= 1;
      bad.add(concat(g1, q));
      // G1 side off the curve
      bad.add(concat(offCurveG1(), G2Point.GENERATOR.toEvmBytes()));
    }
    // a point of each prime order ℓ dividing the twist's cofactor, alone and added to a point of
    // G2: exactly the points an incomplete subgroup check would let through
    Random twistRnd = new Random(7);
    for (BigInteger ell : TwistPoints.COFACTOR_PRIMES) {
      for (int i = 0; i < 3; i++) {
        G2Point t = TwistPoints.ofCofactorOrder(ell, twistRnd);
        bad.add(concat(g1, t.toEvmBytes()));
        bad.add(concat(g1, t.add(G2Point.GENERATOR.mul(scalar())).toEvmBytes()));
      }
    }
    byte[] coordinateTooBig = G2Point.GENERATOR.toEvmBytes();
    System.arraycopy(word(Bn254.P), 0, coordinateTooBig, 0, 32);
    bad.add(concat(g1, coordinateTooBig));
    assertRefusedByBoth(
        evm,
        EvmPrecompiles.PAIRING,
        bad,
        in -> {
          G1Point.fromBytes(in, 0);
          G2Point.fromEvmBytes(in, 64);
        });
    // a truncated input (not a multiple of 192 bytes) is refused by the EVM; Java refuses a short
    // buffer
    byte[] truncated = Arrays.copyOf(concat(g1, G2Point.GENERATOR.toEvmBytes()), 191);
    assertThat(evm.call(EvmPrecompiles.PAIRING, List.of(truncated)).get(0)).isEmpty();
    assertThatThrownBy(() -> G2Point.fromEvmBytes(truncated, 64))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void javaSignaturesVerifyThroughThePairingPrecompile(AnvilNode anvil) throws IOException {
    EvmPrecompiles evm = new EvmPrecompiles(anvil.web3j());
    List<byte[]> inputs = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    byte[] negG2 = G2Point.GENERATOR.negate().toEvmBytes();
    byte[] common = new byte[32];
    rnd.nextBytes(common);
    List<G1Point> aggSigs = new ArrayList<>();
    List<G1Point> aggPk1 = new ArrayList<>();
    List<G2Point> aggPk2 = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      BlsKeyPair k = BlsKeyPair.fromSecret(scalar().max(BigInteger.ONE));
      byte[] m = new byte[32];
      rnd.nextBytes(m);
      G1Point sig = k.sign(m);
      boolean tamper = i % 4 == 3;
      byte[] signed = tamper ? HashToG1.hash(common).toBytes() : HashToG1.hash(m).toBytes();
      inputs.add(concat(sig.toBytes(), negG2, signed, k.publicKeyG2().toEvmBytes()));
      expected.add(!tamper);
      assertThat(Bls.verify(k.publicKeyG2(), tamper ? common : m, sig)).isEqualTo(!tamper);
      aggSigs.add(k.sign(common));
      aggPk1.add(k.publicKeyG1());
      aggPk2.add(k.publicKeyG2());
    }
    // the on-chain γ-randomised aggregate check, evaluated by the precompiles
    G1Point apk = Bls.aggregatePublicKeysG1(aggPk1);
    G2Point apk2 = Bls.aggregatePublicKeysG2(aggPk2);
    G1Point sigma = Bls.aggregateSignatures(aggSigs);
    BigInteger gamma = Bls.gamma(common, apk, apk2, sigma);
    G1Point left = sigma.add(apk.mul(gamma));
    G1Point right = HashToG1.hash(common).add(G1Point.GENERATOR.mul(gamma));
    inputs.add(concat(left.toBytes(), negG2, right.toBytes(), apk2.toEvmBytes()));
    expected.add(true);
    assertThat(Bls.verifyAggregateWithApk(common, apk, apk2, sigma)).isTrue();
    // a proof of possession, checked the way the registry does
    BlsKeyPair op = BlsKeyPair.fromSecret(scalar().max(BigInteger.ONE));
    G1Point h = ProofOfPossession.messagePoint(common);
    G1Point pop = ProofOfPossession.sign(op, common);
    assertThat(ProofOfPossession.verify(op.publicKeyG1(), op.publicKeyG2(), pop, h)).isTrue();
    inputs.add(concat(pop.toBytes(), negG2, h.toBytes(), op.publicKeyG2().toEvmBytes()));
    expected.add(true);
    List<Optional<byte[]>> out = evm.call(EvmPrecompiles.PAIRING, inputs);
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(out.get(i)).as("case %d", i).isPresent();
      assertThat(new BigInteger(1, out.get(i).get()).equals(BigInteger.ONE))
          .as("case %d", i)
          .isEqualTo(expected.get(i));
    }
  }

  private interface Parser {
    void parse(byte[] in);
  }

  private static void assertRefusedByBoth(
      EvmPrecompiles evm, String precompile, List<byte[]> bad, Parser java) throws IOException {
    List<Optional<byte[]>> out = evm.call(precompile, bad);
    for (int i = 0; i < bad.size(); i++) {
      assertThat(out.get(i)).as("EVM refuses invalid case %d", i).isEmpty();
      byte[] in = bad.get(i);
      assertThatThrownBy(() -> java.parse(in))
          .as("Java refuses invalid case %d", i)
          .isInstanceOf(CryptoException.class);
    }
  }

  /**
   * EVM encoding of a point on the twist that is not in G2 (found deterministically from x = start
   * + u).
   */
  static byte[] twistPointOutsideSubgroup(int start) {
    for (int i = start; ; i++) {
      Fp2 x = Fp2.of(BigInteger.valueOf(i), BigInteger.ONE);
      Fp2 y = x.square().mul(x).add(G2Point.B).sqrt();
      if (y != null) {
        byte[] out = concat(x.c1.toBytes(), x.c0.toBytes(), y.c1.toBytes(), y.c0.toBytes());
        try {
          G2Point.fromEvmBytes(out);
        } catch (CryptoException expectedOutside) {
          return out;
        }
      }
    }
  }
}
