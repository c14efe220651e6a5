package io.cvmavs.crypto.bn254;

import java.math.BigInteger;

/** Curve constants of BN254 (alt_bn128, EIP-196/197). */
public final class Bn254 {
  /** The base field modulus p. */
  public static final BigInteger P = Fp.P;

  /** The prime order r of G1, G2 and GT (the scalar field modulus). */
  public static final BigInteger R =
      new BigInteger("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", 16);

  /** The BN parameter u (positive for BN254): p = 36u⁴ + 36u³ + 24u² + 6u + 1. */
  public static final long U = 4965661367192848881L;

  /** 6u + 2, the optimal ate loop count. */
  public static final BigInteger ATE_LOOP =
      BigInteger.valueOf(U).multiply(BigInteger.valueOf(6)).add(BigInteger.TWO);

  private Bn254() {}
}
