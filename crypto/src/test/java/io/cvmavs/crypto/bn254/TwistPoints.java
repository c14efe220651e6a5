package io.cvmavs.crypto.bn254;

import java.math.BigInteger;
import java.util.Random;

/**
 * Points of the twist E'(F_p2) outside G2, for tests of the subgroup check (here and against the
 * precompile in {@code Bn254PrecompileIT}). {@link G2Point#add} and {@link #mulUnreduced} work on
 * any twist point; {@link G2Point#mul} reduces its scalar mod r, which is only right on G2.
 */
public final class TwistPoints {
  private static final BigInteger P = Fp.P;

  private TwistPoints() {}

  /** The cofactor h = #E'(F_p2) / r = 2p − r of the twist, and its prime factors. */
  public static final BigInteger COFACTOR = P.shiftLeft(1).subtract(Bn254.R);

  public static final BigInteger[] COFACTOR_PRIMES = {
    BigInteger.valueOf(10069),
    BigInteger.valueOf(5864401),
    new BigInteger("1875725156269"),
    new BigInteger("197620364512881247228717050342013327560683201906968909")
  };

  /** A uniformly random point of E'(F_p2), usually outside G2. */
  public static G2Point random(Random rnd) {
    while (true) {
      Fp2 x = FieldTest.randomFp2(rnd);
      Fp2 y = x.square().mul(x).add(G2Point.B).sqrt();
      if (y != null) {
        return new G2Point(x, rnd.nextBoolean() ? y : y.neg());
      }
    }
  }

  /** A point of prime order ℓ | h: [h·r/ℓ]T for a random twist point T (retrying if that is O). */
  public static G2Point ofCofactorOrder(BigInteger ell, Random rnd) {
    BigInteger k = COFACTOR.multiply(Bn254.R).divide(ell);
    while (true) {
      G2Point t = mulUnreduced(random(rnd), k);
      if (!t.isInfinity()) {
        return t;
      }
    }
  }

  /** k·t without reducing k mod r ({@link G2Point#mul} does, which is only right on G2). */
  public static G2Point mulUnreduced(G2Point t, BigInteger k) {
    return t.toJacobian().mul(k).toAffine();
  }
}
