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

  /**
   * Width-w NAF of k > 0, least significant digit first: digits are 0 or odd with |d| < 2^(w−1),
   * and any w consecutive digits hold at most one non-zero digit.
   */
  static int[] wnaf(BigInteger k, int w) {
    int[] digits = new int[k.bitLength() + 1];
    BigInteger window = BigInteger.ONE.shiftLeft(w);
    BigInteger n = k;
    int i = 0;
    while (n.signum() > 0) {
      if (n.testBit(0)) {
        int d = n.mod(window).intValue();
        if (d >= 1 << (w - 1)) {
          d -= 1 << w;
        }
        digits[i] = d;
        n = n.subtract(BigInteger.valueOf(d));
      }
      n = n.shiftRight(1);
      i++;
    }
    int len = digits.length;
    while (len > 1 && digits[len - 1] == 0) {
      len--;
    }
    return java.util.Arrays.copyOf(digits, len);
  }

  /** Non-adjacent form of k > 0, least significant digit first (digits in {−1, 0, 1}). */
  static int[] naf(BigInteger k) {
    int[] digits = new int[k.bitLength() + 1];
    BigInteger n = k;
    int i = 0;
    while (n.signum() > 0) {
      if (n.testBit(0)) {
        int d = 2 - n.mod(BigInteger.valueOf(4)).intValue();
        digits[i] = d;
        n = n.subtract(BigInteger.valueOf(d));
      }
      n = n.shiftRight(1);
      i++;
    }
    int len = digits.length;
    while (len > 1 && digits[len - 1] == 0) {
      len--;
    }
    return java.util.Arrays.copyOf(digits, len);
  }
}
