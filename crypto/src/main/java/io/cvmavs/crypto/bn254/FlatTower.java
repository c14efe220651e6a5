package io.cvmavs.crypto.bn254;

/**
 * Allocation-free F_p2/F_p6/F_p12 arithmetic on flat {@code long[]} limb arrays, for the Miller
 * loop and the final exponentiation. Layout (Montgomery limbs, little-endian): an F_p2 element is 8
 * longs (c0, c1), F_p6 24 longs (c0, c1, c2), F_p12 48 longs (c0, c1). Every operation reads all
 * its inputs before writing its output, so outputs may alias inputs. Each level has its own scratch
 * buffer (levels only call lower levels), so an instance is not thread-safe: create one per
 * computation. Cross-checked against the immutable {@link Fp12} in tests.
 */
final class FlatTower {
  static final int FP2 = 8;
  static final int FP6 = 24;
  static final int FP12 = 48;

  /**
   * Frobenius constants per k = 1..3, for the six F_p2 coefficients of an F_p12 element (index 0 is
   * 1).
   */
  private static final long[][] FROB = new long[4][];

  static {
    for (int k = 1; k <= 3; k++) {
      Fp12 probeV = new Fp12(new Fp6(Fp2.ZERO, Fp2.ONE, Fp2.ZERO), Fp6.ZERO).frobenius(k);
      Fp12 probeV2 = new Fp12(new Fp6(Fp2.ZERO, Fp2.ZERO, Fp2.ONE), Fp6.ZERO).frobenius(k);
      Fp12 probeW = new Fp12(Fp6.ZERO, Fp6.ONE).frobenius(k);
      Fp12 probeVw = new Fp12(Fp6.ZERO, new Fp6(Fp2.ZERO, Fp2.ONE, Fp2.ZERO)).frobenius(k);
      Fp12 probeV2w = new Fp12(Fp6.ZERO, new Fp6(Fp2.ZERO, Fp2.ZERO, Fp2.ONE)).frobenius(k);
      long[] c = new long[6 * FP2];
      store(Fp2.ONE, c, 0);
      store(probeV.c0.c1, c, FP2);
      store(probeV2.c0.c2, c, 2 * FP2);
      store(probeW.c1.c0, c, 3 * FP2);
      store(probeVw.c1.c1, c, 4 * FP2);
      store(probeV2w.c1.c2, c, 5 * FP2);
      FROB[k] = c;
    }
  }

  private final long[] s2 = new long[3 * 4 + 4];
  private final long[] sw = new long[24];
  private final long[] s6 = new long[8 * FP2];
  private final long[] s12 = new long[4 * FP6];
  private final long[] sl = new long[2 * FP2];

  // ---------------------------------------------------------------- conversions

  static long[] flat(Fp2 a) {
    long[] r = new long[FP2];
    store(a, r, 0);
    return r;
  }

  static void store(Fp2 a, long[] r, int ro) {
    a.c0.store(r, ro);
    a.c1.store(r, ro + 4);
  }

  static Fp2 loadFp2(long[] a, int ao) {
    return new Fp2(Fp.load(a, ao), Fp.load(a, ao + 4));
  }

  static long[] flat(Fp12 f) {
    long[] r = new long[FP12];
    Fp6[] parts = {f.c0, f.c1};
    for (int i = 0; i < 2; i++) {
      store(parts[i].c0, r, i * FP6);
      store(parts[i].c1, r, i * FP6 + FP2);
      store(parts[i].c2, r, i * FP6 + 2 * FP2);
    }
    return r;
  }

  static Fp12 toFp12(long[] a) {
    return new Fp12(
        new Fp6(loadFp2(a, 0), loadFp2(a, FP2), loadFp2(a, 2 * FP2)),
        new Fp6(loadFp2(a, FP6), loadFp2(a, FP6 + FP2), loadFp2(a, FP6 + 2 * FP2)));
  }

  static long[] one12() {
    long[] r = new long[FP12];
    Fp.ONE.store(r, 0);
    return r;
  }

  // ---------------------------------------------------------------- F_p2

  static void fp2Add(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    Fp.addL(a, ao, b, bo, r, ro);
    Fp.addL(a, ao + 4, b, bo + 4, r, ro + 4);
  }

  static void fp2Sub(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    Fp.subL(a, ao, b, bo, r, ro);
    Fp.subL(a, ao + 4, b, bo + 4, r, ro + 4);
  }

  static void fp2Neg(long[] a, int ao, long[] r, int ro) {
    Fp.negL(a, ao, r, ro);
    Fp.negL(a, ao + 4, r, ro + 4);
  }

  static void fp2Conj(long[] a, int ao, long[] r, int ro) {
    System.arraycopy(a, ao, r, ro, 4);
    Fp.negL(a, ao + 4, r, ro + 4);
  }

  static void copy(long[] a, int ao, long[] r, int ro, int len) {
    System.arraycopy(a, ao, r, ro, len);
  }

  /**
   * Karatsuba with lazy reduction: (a0b0 − a1b1) + ((a0 + a1)(b0 + b1) − a0b0 − a1b1)u, the
   * products combined at full width and reduced once per coefficient ({@link Fp#fp2MulL}).
   */
  void fp2Mul(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    Fp.fp2MulL(a, ao, b, bo, r, ro, sw);
  }

  /** The same product with three reduced products and modular additions (test reference). */
  void fp2MulKaratsuba(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    long[] s = s2;
    Fp.addL(a, ao, a, ao + 4, s, 0);
    Fp.addL(b, bo, b, bo + 4, s, 4);
    Fp.mulL(s, 0, s, 4, s, 8);
    Fp.mulL(a, ao, b, bo, s, 0);
    Fp.mulL(a, ao + 4, b, bo + 4, s, 4);
    Fp.subL(s, 8, s, 0, s, 8);
    Fp.subL(s, 8, s, 4, r, ro + 4);
    Fp.subL(s, 0, s, 4, r, ro);
  }

  /** (a0 + a1)(a0 − a1) + 2a0a1·u. */
  void fp2Sqr(long[] a, int ao, long[] r, int ro) {
    long[] s = s2;
    Fp.addL(a, ao, a, ao + 4, s, 0);
    Fp.subL(a, ao, a, ao + 4, s, 4);
    Fp.mulL(a, ao, a, ao + 4, s, 8);
    Fp.mulL(s, 0, s, 4, r, ro);
    Fp.addL(s, 8, s, 8, r, ro + 4);
  }

  /** Multiplication by ξ = 9 + u: (9a0 − a1) + (a0 + 9a1)u, one reduction per coefficient. */
  void fp2MulByXi(long[] a, int ao, long[] r, int ro) {
    Fp.mulXiL(a, ao, r, ro);
  }

  static void fp2MulByFp(long[] a, int ao, long[] f, int fo, long[] r, int ro) {
    Fp.mulL(a, ao, f, fo, r, ro);
    Fp.mulL(a, ao + 4, f, fo, r, ro + 4);
  }

  // ---------------------------------------------------------------- F_p6

  static void fp6Add(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    for (int i = 0; i < FP6; i += 4) {
      Fp.addL(a, ao + i, b, bo + i, r, ro + i);
    }
  }

  static void fp6Sub(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    for (int i = 0; i < FP6; i += 4) {
      Fp.subL(a, ao + i, b, bo + i, r, ro + i);
    }
  }

  static void fp6Neg(long[] a, int ao, long[] r, int ro) {
    for (int i = 0; i < FP6; i += 4) {
      Fp.negL(a, ao + i, r, ro + i);
    }
  }

  void fp6Mul(long[] a, int ao, long[] b, int bo, long[] r, int ro) {
    long[] s = s6;
    final int t0 = 0;
    final int t1 = FP2;
    final int t2 = 2 * FP2;
    final int x = 3 * FP2;
    final int y = 4 * FP2;
    final int r0 = 5 * FP2;
    final int r1 = 6 * FP2;
    final int r2 = 7 * FP2;
    fp2Mul(a, ao, b, bo, s, t0);
    fp2Mul(a, ao + FP2, b, bo + FP2, s, t1);
    fp2Mul(a, ao + 2 * FP2, b, bo + 2 * FP2, s, t2);
    // r0 = ξ((a1 + a2)(b1 + b2) − t1 − t2) + t0
    fp2Add(a, ao + FP2, a, ao + 2 * FP2, s, x);
    fp2Add(b, bo + FP2, b, bo + 2 * FP2, s, y);
    fp2Mul(s, x, s, y, s, x);
    fp2Sub(s, x, s, t1, s, x);
    fp2Sub(s, x, s, t2, s, x);
    fp2MulByXi(s, x, s, x);
    fp2Add(s, x, s, t0, s, r0);
    // r1 = (a0 + a1)(b0 + b1) − t0 − t1 + ξt2
    fp2Add(a, ao, a, ao + FP2, s, x);
    fp2Add(b, bo, b, bo + FP2, s, y);
    fp2Mul(s, x, s, y, s, x);
    fp2Sub(s, x, s, t0, s, x);
    fp2Sub(s, x, s, t1, s, x);
    fp2MulByXi(s, t2, s, y);
    fp2Add(s, x, s, y, s, r1);
    // r2 = (a0 + a2)(b0 + b2) − t0 − t2 + t1
    fp2Add(a, ao, a, ao + 2 * FP2, s, x);
    fp2Add(b, bo, b, bo + 2 * FP2, s, y);
    fp2Mul(s, x, s, y, s, x);
    fp2Sub(s, x, s, t0, s, x);
    fp2Sub(s, x, s, t2, s, x);
    fp2Add(s, x, s, t1, s, r2);
    System.arraycopy(s, r0, r, ro, FP6);
  }

  /** Multiplication by v: (a0, a1, a2)·v = (ξa2, a0, a1). */
  void fp6MulByV(long[] a, int ao, long[] r, int ro) {
    long[] s = s6;
    fp2MulByXi(a, ao + 2 * FP2, s, 0);
    System.arraycopy(a, ao + FP2, r, ro + 2 * FP2, FP2);
    System.arraycopy(a, ao, r, ro + FP2, FP2);
    System.arraycopy(s, 0, r, ro, FP2);
  }

  /** Multiplication by b0 + b1·v. */
  void fp6MulBy01(long[] a, int ao, long[] b0, int b0o, long[] b1, int b1o, long[] r, int ro) {
    long[] s = s6;
    final int t0 = 0;
    final int t1 = FP2;
    final int r0 = 2 * FP2;
    final int r1 = 3 * FP2;
    final int r2 = 4 * FP2;
    final int y = 5 * FP2;
    fp2Mul(a, ao, b0, b0o, s, t0);
    fp2Mul(a, ao + FP2, b1, b1o, s, t1);
    fp2Mul(a, ao + 2 * FP2, b1, b1o, s, r0);
    fp2MulByXi(s, r0, s, r0);
    fp2Add(s, r0, s, t0, s, r0);
    fp2Add(a, ao, a, ao + FP2, s, r1);
    fp2Add(b0, b0o, b1, b1o, s, y);
    fp2Mul(s, r1, s, y, s, r1);
    fp2Sub(s, r1, s, t0, s, r1);
    fp2Sub(s, r1, s, t1, s, r1);
    fp2Mul(a, ao + 2 * FP2, b0, b0o, s, r2);
    fp2Add(s, r2, s, t1, s, r2);
    System.arraycopy(s, r0, r, ro, FP6);
  }

  void fp6MulByFp2(long[] a, int ao, long[] k, int ko, long[] r, int ro) {
    fp2Mul(a, ao, k, ko, r, ro);
    fp2Mul(a, ao + FP2, k, ko, r, ro + FP2);
    fp2Mul(a, ao + 2 * FP2, k, ko, r, ro + 2 * FP2);
  }

  // ---------------------------------------------------------------- F_p12

  void fp12Mul(long[] a, long[] b, long[] r) {
    long[] s = s12;
    final int t0 = 0;
    final int t1 = FP6;
    final int x = 2 * FP6;
    final int y = 3 * FP6;
    fp6Mul(a, 0, b, 0, s, t0);
    fp6Mul(a, FP6, b, FP6, s, t1);
    fp6Add(a, 0, a, FP6, s, x);
    fp6Add(b, 0, b, FP6, s, y);
    fp6Mul(s, x, s, y, s, x);
    fp6Sub(s, x, s, t0, s, x);
    fp6Sub(s, x, s, t1, r, FP6);
    fp6MulByV(s, t1, s, y);
    fp6Add(s, y, s, t0, r, 0);
  }

  /** Complex squaring: c0 = (a0 + a1)(a0 + v·a1) − ab − v·ab, c1 = 2ab with ab = a0·a1. */
  void fp12Sqr(long[] a, long[] r) {
    long[] s = s12;
    final int ab = 0;
    final int x = FP6;
    final int y = 2 * FP6;
    fp6Mul(a, 0, a, FP6, s, ab);
    fp6Add(a, 0, a, FP6, s, x);
    fp6MulByV(a, FP6, s, y);
    fp6Add(a, 0, s, y, s, y);
    fp6Mul(s, x, s, y, s, x);
    fp6Sub(s, x, s, ab, s, x);
    fp6MulByV(s, ab, s, y);
    fp6Sub(s, x, s, y, r, 0);
    fp6Add(s, ab, s, ab, r, FP6);
  }

  /** f·(l0 + (l3 + l4·v)·w) for a Miller-loop line. */
  void fp12MulBy034(long[] f, long[] l, int l0, int l3, int l4) {
    long[] s = s12;
    final int a = 0;
    final int b = FP6;
    final int x = 2 * FP6;
    fp6MulByFp2(f, 0, l, l0, s, a);
    fp6MulBy01(f, FP6, l, l3, l, l4, s, b);
    fp6Add(f, 0, f, FP6, s, x);
    fp2Add(l, l0, l, l3, sl, 0);
    fp6MulBy01(s, x, sl, 0, l, l4, s, x);
    fp6Sub(s, x, s, a, s, x);
    fp6Sub(s, x, s, b, f, FP6);
    fp6MulByV(s, b, s, b);
    fp6Add(s, a, s, b, f, 0);
  }

  static void fp12Conj(long[] a, long[] r) {
    System.arraycopy(a, 0, r, 0, FP6);
    fp6Neg(a, FP6, r, FP6);
  }

  /** The p^k-power Frobenius, k in 1..3. */
  void fp12Frobenius(long[] a, int k, long[] r) {
    long[] c = FROB[k];
    // memory order c0.c0, c0.c1, c0.c2, c1.c0, c1.c1, c1.c2 is the basis order 1, v, v², w, vw, v²w
    // of FROB
    for (int i = 0; i < 6; i++) {
      int off = i * FP2;
      if ((k & 1) == 1) {
        fp2Conj(a, off, r, off);
      } else if (r != a) {
        System.arraycopy(a, off, r, off, FP2);
      }
      if (i != 0) {
        fp2Mul(r, off, c, off, r, off);
      }
    }
  }

  /**
   * Granger–Scott squaring, valid only for elements of the cyclotomic subgroup (after the easy part
   * of the final exponentiation): F_p12 seen as F_p4³, nine F_p2 squarings instead of a full
   * squaring.
   */
  void fp12CyclotomicSqr(long[] a, long[] r) {
    long[] s = s12;
    // z0 = c0.c0, z4 = c0.c1, z3 = c0.c2, z2 = c1.c0, z1 = c1.c1, z5 = c1.c2
    final int z0 = 0;
    final int z4 = FP2;
    final int z3 = 2 * FP2;
    final int z2 = FP6;
    final int z1 = FP6 + FP2;
    final int z5 = FP6 + 2 * FP2;
    // scratch slots in s (F_p2 each)
    final int t0 = 0;
    final int t1 = FP2;
    final int t2 = 2 * FP2;
    final int t3 = 3 * FP2;
    final int u = 4 * FP2;
    final int out = 2 * FP6; // staging for the result (48 longs)
    fp4Sqr(a, z0, a, z1, s, t0, s, t1);
    // r.z0 = 3t0 − 2z0 ; r.z1 = 3t1 + 2z1
    fp2Sub(s, t0, a, z0, s, u);
    fp2Add(s, u, s, u, s, u);
    fp2Add(s, u, s, t0, s, out + z0);
    fp2Add(s, t1, a, z1, s, u);
    fp2Add(s, u, s, u, s, u);
    fp2Add(s, u, s, t1, s, out + z1);
    fp4Sqr(a, z2, a, z3, s, t0, s, t1);
    fp4Sqr(a, z4, a, z5, s, t2, s, t3);
    // r.z4 = 3t0 − 2z4 ; r.z5 = 3t1 + 2z5
    fp2Sub(s, t0, a, z4, s, u);
    fp2Add(s, u, s, u, s, u);
    fp2Add(s, u, s, t0, s, out + z4);
    fp2Add(s, t1, a, z5, s, u);
    fp2Add(s, u, s, u, s, u);
    fp2Add(s, u, s, t1, s, out + z5);
    // r.z2 = 3ξt3 + 2z2 ; r.z3 = 3t2 − 2z3
    fp2MulByXi(s, t3, s, t0);
    fp2Add(s, t0, a, z2, s, u);
    fp2Add(s, u, s, u, s, u);
    fp2Add(s, u, s, t0, s, out + z2);
    fp2Sub(s, t2, a, z3, s, u);
    fp2Add(s, u, s, u, s, u);
    fp2Add(s, u, s, t2, s, out + z3);
    System.arraycopy(s, out, r, 0, FP12);
  }

  /** (a + b·y)² in F_p4 = F_p2[y]/(y² − ξ): c0 = b²ξ + a², c1 = (a + b)² − a² − b². */
  private void fp4Sqr(long[] a, int ao, long[] b, int bo, long[] r, int c0, long[] r2, int c1) {
    long[] t = sl;
    fp2Sqr(a, ao, t, 0);
    fp2Sqr(b, bo, t, FP2);
    fp2Add(a, ao, b, bo, r2, c1);
    fp2Sqr(r2, c1, r2, c1);
    fp2Sub(r2, c1, t, 0, r2, c1);
    fp2Sub(r2, c1, t, FP2, r2, c1);
    fp2MulByXi(t, FP2, r, c0);
    fp2Add(r, c0, t, 0, r, c0);
  }

  // ---------------------------------------------------------------- pairing

  /** ∏ Miller loops for the given (non-infinity) pairs, into a fresh F_p12 array. */
  long[] millerLoop(G1Point[] ps, G2Prepared[] qs, int n) {
    long[] f = one12();
    long[] line = new long[3 * FP2];
    long[][] pxy = new long[n][8];
    for (int k = 0; k < n; k++) {
      ps[k].x.store(pxy[k], 0);
      ps[k].y.store(pxy[k], 4);
    }
    int[] naf = G2Prepared.LOOP_NAF;
    int idx = 0;
    for (int i = naf.length - 2; i >= 0; i--) {
      if (i != naf.length - 2) {
        fp12Sqr(f, f);
      }
      for (int k = 0; k < n; k++) {
        line(f, qs[k].flatCoeffs, idx, pxy[k], line);
      }
      idx += 3 * FP2;
      if (naf[i] != 0) {
        for (int k = 0; k < n; k++) {
          line(f, qs[k].flatCoeffs, idx, pxy[k], line);
        }
        idx += 3 * FP2;
      }
    }
    for (int j = 0; j < 2; j++) {
      for (int k = 0; k < n; k++) {
        line(f, qs[k].flatCoeffs, idx, pxy[k], line);
      }
      idx += 3 * FP2;
    }
    return f;
  }

  private void line(long[] f, long[] c, int idx, long[] pxy, long[] line) {
    fp2MulByFp(c, idx, pxy, 4, line, 0);
    fp2MulByFp(c, idx + FP2, pxy, 0, line, FP2);
    System.arraycopy(c, idx + 2 * FP2, line, 2 * FP2, FP2);
    fp12MulBy034(f, line, 0, FP2, 2 * FP2);
  }

  /**
   * The same chain as {@link Pairing#finalExponentiationObjects}, on flat arrays with cyclotomic
   * squarings.
   */
  long[] finalExponentiation(long[] f) {
    long[] inv = flat(toFp12(f).inverse());
    long[] r = new long[FP12];
    fp12Conj(f, r);
    fp12Mul(r, inv, r);
    long[] t = new long[FP12];
    fp12Frobenius(r, 2, t);
    fp12Mul(t, r, r);
    long[] y0 = new long[FP12];
    long[] y1 = new long[FP12];
    long[] y2 = new long[FP12];
    long[] y3 = new long[FP12];
    long[] y4 = new long[FP12];
    long[] y5 = new long[FP12];
    long[] y6 = new long[FP12];
    expByNegU(r, y0);
    fp12CyclotomicSqr(y0, y1);
    fp12CyclotomicSqr(y1, y2);
    fp12Mul(y2, y1, y3);
    expByNegU(y3, y4);
    fp12CyclotomicSqr(y4, y5);
    expByNegU(y5, y6);
    fp12Conj(y3, y3);
    fp12Conj(y6, y6);
    long[] y7 = y0; // y0 is no longer needed
    fp12Mul(y6, y4, y7);
    long[] y8 = y2; // y2 is no longer needed
    fp12Mul(y7, y3, y8);
    long[] y9 = y5; // y5 is no longer needed
    fp12Mul(y8, y1, y9);
    long[] y10 = y6; // y6 is no longer needed
    fp12Mul(y8, y4, y10);
    long[] y11 = y7;
    fp12Mul(y10, r, y11);
    long[] y12 = y3; // y3 is no longer needed
    fp12Frobenius(y9, 1, y12);
    long[] y13 = y10;
    fp12Mul(y12, y11, y13);
    fp12Frobenius(y8, 2, y8);
    long[] y14 = y4; // y4 is no longer needed
    fp12Mul(y8, y13, y14);
    fp12Conj(r, r);
    fp12Mul(r, y9, r);
    fp12Frobenius(r, 3, t);
    fp12Mul(t, y14, t);
    return t;
  }

  /**
   * Signed digits of u, least significant first: 24 non-zero digits instead of 28 ones in binary.
   */
  private static final int[] U_NAF = Bn254.naf(java.math.BigInteger.valueOf(Bn254.U));

  /** Width-4 signed digits of u (0, ±1, ±3, ±5, ±7): 14 non-zero digits. */
  static final int[] U_WNAF4 = Bn254.wnaf(java.math.BigInteger.valueOf(Bn254.U), 4);

  /**
   * r = a^(−u) for a in the cyclotomic subgroup, where the inverse is the conjugate (so negative
   * digits cost nothing extra), by a width-4 NAF: a, a³, a⁵, a⁷ precomputed (one squaring, three
   * products), then 62 squarings and 13 products instead of the NAF's 23. r must not alias a.
   */
  void expByNegU(long[] a, long[] r) {
    long[][] pos = new long[4][FP12];
    long[][] neg = new long[4][FP12];
    long[] a2 = new long[FP12];
    System.arraycopy(a, 0, pos[0], 0, FP12);
    fp12CyclotomicSqr(a, a2);
    for (int i = 1; i < 4; i++) {
      fp12Mul(pos[i - 1], a2, pos[i]);
    }
    for (int i = 0; i < 4; i++) {
      fp12Conj(pos[i], neg[i]);
    }
    int[] digits = U_WNAF4;
    int top = digits[digits.length - 1];
    System.arraycopy(top > 0 ? pos[(top - 1) >> 1] : neg[(-top - 1) >> 1], 0, r, 0, FP12);
    for (int i = digits.length - 2; i >= 0; i--) {
      fp12CyclotomicSqr(r, r);
      int d = digits[i];
      if (d > 0) {
        fp12Mul(r, pos[(d - 1) >> 1], r);
      } else if (d < 0) {
        fp12Mul(r, neg[(-d - 1) >> 1], r);
      }
    }
    fp12Conj(r, r);
  }

  /**
   * The same power by the plain NAF of u (the path {@link #expByNegU} replaced; test reference). r
   * must not alias a.
   */
  void expByNegUNaf(long[] a, long[] r) {
    long[] aInv = new long[FP12];
    fp12Conj(a, aInv);
    System.arraycopy(a, 0, r, 0, FP12);
    for (int i = U_NAF.length - 2; i >= 0; i--) {
      fp12CyclotomicSqr(r, r);
      if (U_NAF[i] == 1) {
        fp12Mul(r, a, r);
      } else if (U_NAF[i] == -1) {
        fp12Mul(r, aInv, r);
      }
    }
    fp12Conj(r, r);
  }

  // ---------------------------------------------------------------- G2 sums

  private final long[] sg = new long[10 * FP2];

  private static boolean isZero2(long[] a, int ao) {
    long acc = 0;
    for (int i = 0; i < FP2; i++) {
      acc |= a[ao + i];
    }
    return acc == 0;
  }

  /**
   * Σ points in Jacobian coordinates (mixed additions, madd-2007-bl / dbl-2009-l as in {@link
   * G2Jacobian}) on flat limbs: the sum of many public keys without an object per operation.
   */
  G2Jacobian sumG2(Iterable<G2Point> points) {
    long[] acc = new long[3 * FP2]; // X, Y, Z; Z = 0 is infinity
    long[] q = new long[2 * FP2];
    boolean infinity = true;
    for (G2Point p : points) {
      if (p.isInfinity()) {
        continue;
      }
      store(p.x, q, 0);
      store(p.y, q, FP2);
      if (infinity) {
        System.arraycopy(q, 0, acc, 0, 2 * FP2);
        store(Fp2.ONE, acc, 2 * FP2);
        infinity = false;
        continue;
      }
      infinity = !maddG2(acc, q);
    }
    if (infinity) {
      return G2Jacobian.INFINITY;
    }
    return new G2Jacobian(loadFp2(acc, 0), loadFp2(acc, FP2), loadFp2(acc, 2 * FP2));
  }

  /** acc += q (q affine, acc not infinity); false if the sum is infinity. */
  private boolean maddG2(long[] acc, long[] q) {
    long[] s = sg;
    final int x = 0;
    final int y = FP2;
    final int z = 2 * FP2;
    final int z1z1 = 0;
    final int u2 = FP2;
    final int s2 = 2 * FP2;
    final int h = 3 * FP2;
    final int r = 4 * FP2;
    final int hh = 5 * FP2;
    final int i = 6 * FP2;
    final int j = 7 * FP2;
    final int v = 8 * FP2;
    final int t = 9 * FP2;
    fp2Sqr(acc, z, s, z1z1);
    fp2Mul(q, 0, s, z1z1, s, u2);
    fp2Mul(q, FP2, acc, z, s, s2);
    fp2Mul(s, s2, s, z1z1, s, s2);
    fp2Sub(s, u2, acc, x, s, h);
    fp2Sub(s, s2, acc, y, s, r);
    fp2Add(s, r, s, r, s, r);
    if (isZero2(s, h)) {
      if (isZero2(s, r)) {
        dblG2(acc);
        return true;
      }
      return false;
    }
    fp2Sqr(s, h, s, hh);
    fp2Add(s, hh, s, hh, s, i);
    fp2Add(s, i, s, i, s, i);
    fp2Mul(s, h, s, i, s, j);
    fp2Mul(acc, x, s, i, s, v);
    // Z3 = (Z1 + H)² − Z1Z1 − HH (before Y1, X1 are overwritten; Z1 is not needed after)
    fp2Add(acc, z, s, h, s, t);
    fp2Sqr(s, t, s, t);
    fp2Sub(s, t, s, z1z1, s, t);
    fp2Sub(s, t, s, hh, acc, z);
    // Y3 = r(V − X3) − 2·Y1·J, X3 = r² − J − 2V
    fp2Mul(acc, y, s, j, s, i); // Y1·J (I is no longer needed)
    fp2Sqr(s, r, s, t);
    fp2Sub(s, t, s, j, s, t);
    fp2Sub(s, t, s, v, s, t);
    fp2Sub(s, t, s, v, acc, x);
    fp2Sub(s, v, acc, x, s, v);
    fp2Mul(s, r, s, v, s, v);
    fp2Add(s, i, s, i, s, i);
    fp2Sub(s, v, s, i, acc, y);
    return true;
  }

  /** acc = 2·acc (dbl-2009-l; acc not infinity, and y ≠ 0 since G2 has odd order). */
  private void dblG2(long[] acc) {
    long[] s = sg;
    final int x = 0;
    final int y = FP2;
    final int z = 2 * FP2;
    final int a = 0;
    final int b = FP2;
    final int c = 2 * FP2;
    final int d = 3 * FP2;
    final int e = 4 * FP2;
    final int f = 5 * FP2;
    final int t = 6 * FP2;
    fp2Sqr(acc, x, s, a);
    fp2Sqr(acc, y, s, b);
    fp2Sqr(s, b, s, c);
    fp2Add(acc, x, s, b, s, d);
    fp2Sqr(s, d, s, d);
    fp2Sub(s, d, s, a, s, d);
    fp2Sub(s, d, s, c, s, d);
    fp2Add(s, d, s, d, s, d);
    fp2Add(s, a, s, a, s, e);
    fp2Add(s, e, s, a, s, e);
    fp2Sqr(s, e, s, f);
    // Z3 = 2·Y1·Z1 first (Y1 is overwritten below)
    fp2Mul(acc, y, acc, z, s, t);
    fp2Add(s, t, s, t, acc, z);
    fp2Sub(s, f, s, d, s, t);
    fp2Sub(s, t, s, d, acc, x);
    fp2Sub(s, d, acc, x, s, t);
    fp2Mul(s, e, s, t, s, t);
    fp2Add(s, c, s, c, s, c);
    fp2Add(s, c, s, c, s, c);
    fp2Add(s, c, s, c, s, c);
    fp2Sub(s, t, s, c, acc, y);
  }

  // ---------------------------------------------------------------- G2 line coefficients

  private static final long[] HALF = limbs(Fp.of(2).inverse());
  private static final long[] TWIST_B = flat(G2Point.B);

  private static long[] limbs(Fp a) {
    long[] r = new long[4];
    a.store(r, 0);
    return r;
  }

  private final long[] sp = new long[12 * FP2];

  /**
   * The Miller-loop line coefficients of q (24 longs per line, in loop order): the same doubling
   * and addition steps as {@link G2Prepared#ofReference}, in homogeneous projective coordinates.
   */
  long[] prepare(G2Point q, int lines) {
    long[] out = new long[lines * 3 * FP2];
    long[] r = new long[3 * FP2];
    store(q.x, r, 0);
    store(q.y, r, FP2);
    store(Fp2.ONE, r, 2 * FP2);
    long[] qa = new long[2 * FP2];
    store(q.x, qa, 0);
    store(q.y, qa, FP2);
    G2Point negQ = q.negate();
    long[] qn = new long[2 * FP2];
    store(negQ.x, qn, 0);
    store(negQ.y, qn, FP2);
    int[] naf = G2Prepared.LOOP_NAF;
    int o = 0;
    for (int i = naf.length - 2; i >= 0; i--) {
      doublingStep(r, out, o);
      o += 3 * FP2;
      if (naf[i] != 0) {
        additionStep(r, naf[i] == 1 ? qa : qn, out, o);
        o += 3 * FP2;
      }
    }
    G2Point q1 = G2Prepared.psi(q);
    G2Point q2 = G2Prepared.psi(q1).negate();
    long[] t = new long[2 * FP2];
    store(q1.x, t, 0);
    store(q1.y, t, FP2);
    additionStep(r, t, out, o);
    o += 3 * FP2;
    store(q2.x, t, 0);
    store(q2.y, t, FP2);
    additionStep(r, t, out, o);
    return out;
  }

  private void doublingStep(long[] r, long[] out, int o) {
    long[] s = sp;
    final int x = 0;
    final int y = FP2;
    final int z = 2 * FP2;
    final int a = 0;
    final int b = FP2;
    final int c = 2 * FP2;
    final int e = 3 * FP2;
    final int f = 4 * FP2;
    final int g = 5 * FP2;
    final int h = 6 * FP2;
    final int j = 7 * FP2;
    final int t = 8 * FP2;
    fp2Mul(r, x, r, y, s, a);
    fp2MulByFp(s, a, HALF, 0, s, a);
    fp2Sqr(r, y, s, b);
    fp2Sqr(r, z, s, c);
    fp2Add(s, c, s, c, s, e);
    fp2Add(s, e, s, c, s, e);
    fp2Mul(s, e, TWIST_B, 0, s, e);
    fp2Add(s, e, s, e, s, f);
    fp2Add(s, f, s, e, s, f);
    fp2Add(s, b, s, f, s, g);
    fp2MulByFp(s, g, HALF, 0, s, g);
    fp2Add(r, y, r, z, s, h);
    fp2Sqr(s, h, s, h);
    fp2Add(s, b, s, c, s, t);
    fp2Sub(s, h, s, t, s, h);
    fp2Sqr(r, x, s, j);
    // line: (−h, 3j, e − b)
    fp2Neg(s, h, out, o);
    fp2Add(s, j, s, j, out, o + FP2);
    fp2Add(out, o + FP2, s, j, out, o + FP2);
    fp2Sub(s, e, s, b, out, o + 2 * FP2);
    // X = a(b − f); Y = g² − 3e²; Z = b·h
    fp2Sub(s, b, s, f, s, t);
    fp2Mul(s, a, s, t, r, x);
    fp2Sqr(s, e, s, t);
    fp2Add(s, t, s, t, s, c);
    fp2Add(s, c, s, t, s, c);
    fp2Sqr(s, g, s, t);
    fp2Sub(s, t, s, c, r, y);
    fp2Mul(s, b, s, h, r, z);
  }

  private void additionStep(long[] r, long[] q, long[] out, int o) {
    long[] s = sp;
    final int x = 0;
    final int y = FP2;
    final int z = 2 * FP2;
    final int qx = 0;
    final int qy = FP2;
    final int theta = 0;
    final int lambda = FP2;
    final int c = 2 * FP2;
    final int d = 3 * FP2;
    final int e = 4 * FP2;
    final int f = 5 * FP2;
    final int g = 6 * FP2;
    final int h = 7 * FP2;
    final int t = 8 * FP2;
    fp2Mul(q, qy, r, z, s, t);
    fp2Sub(r, y, s, t, s, theta);
    fp2Mul(q, qx, r, z, s, t);
    fp2Sub(r, x, s, t, s, lambda);
    fp2Sqr(s, theta, s, c);
    fp2Sqr(s, lambda, s, d);
    fp2Mul(s, lambda, s, d, s, e);
    fp2Mul(r, z, s, c, s, f);
    fp2Mul(r, x, s, d, s, g);
    fp2Add(s, e, s, f, s, h);
    fp2Sub(s, h, s, g, s, h);
    fp2Sub(s, h, s, g, s, h);
    // line: (λ, −θ, θ·qx − λ·qy)
    System.arraycopy(s, lambda, out, o, FP2);
    fp2Neg(s, theta, out, o + FP2);
    fp2Mul(s, theta, q, qx, s, t);
    fp2Mul(s, lambda, q, qy, s, c);
    fp2Sub(s, t, s, c, out, o + 2 * FP2);
    // X = λh; Y = θ(g − h) − e·Y; Z = Z·e
    fp2Mul(s, e, r, y, s, t);
    fp2Sub(s, g, s, h, s, g);
    fp2Mul(s, theta, s, g, r, y);
    fp2Sub(r, y, s, t, r, y);
    fp2Mul(s, lambda, s, h, r, x);
    fp2Mul(r, z, s, e, r, z);
  }
}
