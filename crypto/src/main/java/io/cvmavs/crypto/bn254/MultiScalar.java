package io.cvmavs.crypto.bn254;

/**
 * Σ kᵢ·Pᵢ for many points and short non-negative scalars (the 63-bit random coefficients of batch
 * verification) by Pippenger's bucket method: per window of c bits, each point is added once into
 * the bucket of its digit, and the buckets are summed with weights by a running sum; c doublings
 * per window are shared by all points. For n = 200 and 63-bit scalars that is about 13 × (200 +
 * 2·31) additions and 63 doublings instead of 200 scalar multiplications. The straightforward Σ
 * kᵢ·Pᵢ is the reference in {@code OptimisedPathsTest}.
 */
public final class MultiScalar {
  private MultiScalar() {}

  /** Σ scalars[i]·points[i] in G1; scalars must be non-negative. */
  public static G1Jacobian g1(G1Point[] points, long[] scalars) {
    check(points.length, scalars);
    int c = window(points.length);
    int mask = (1 << c) - 1;
    G1Jacobian acc = G1Jacobian.INFINITY;
    for (int w = windows(c) - 1; w >= 0; w--) {
      for (int i = 0; i < c; i++) {
        acc = acc.dbl();
      }
      G1Jacobian[] buckets = new G1Jacobian[mask];
      java.util.Arrays.fill(buckets, G1Jacobian.INFINITY);
      for (int j = 0; j < points.length; j++) {
        int d = (int) (scalars[j] >>> (w * c)) & mask;
        if (d != 0) {
          buckets[d - 1] = buckets[d - 1].addAffine(points[j]);
        }
      }
      G1Jacobian running = G1Jacobian.INFINITY;
      G1Jacobian sum = G1Jacobian.INFINITY;
      for (int d = mask; d >= 1; d--) {
        running = running.add(buckets[d - 1]);
        sum = sum.add(running);
      }
      acc = acc.add(sum);
    }
    return acc;
  }

  /** Σ scalars[i]·points[i] in G2; scalars must be non-negative. */
  public static G2Jacobian g2(G2Point[] points, long[] scalars) {
    check(points.length, scalars);
    int c = window(points.length);
    int mask = (1 << c) - 1;
    G2Jacobian acc = G2Jacobian.INFINITY;
    for (int w = windows(c) - 1; w >= 0; w--) {
      for (int i = 0; i < c; i++) {
        acc = acc.dbl();
      }
      G2Jacobian[] buckets = new G2Jacobian[mask];
      java.util.Arrays.fill(buckets, G2Jacobian.INFINITY);
      for (int j = 0; j < points.length; j++) {
        int d = (int) (scalars[j] >>> (w * c)) & mask;
        if (d != 0) {
          buckets[d - 1] = buckets[d - 1].addAffine(points[j]);
        }
      }
      G2Jacobian running = G2Jacobian.INFINITY;
      G2Jacobian sum = G2Jacobian.INFINITY;
      for (int d = mask; d >= 1; d--) {
        running = running.add(buckets[d - 1]);
        sum = sum.add(running);
      }
      acc = acc.add(sum);
    }
    return acc;
  }

  private static void check(int n, long[] scalars) {
    if (scalars.length != n) {
      throw new IllegalArgumentException(
          "one scalar per point needed, got " + n + " points and " + scalars.length + " scalars");
    }
    for (int i = 0; i < n; i++) {
      if (scalars[i] < 0) {
        throw new IllegalArgumentException("scalar #" + i + " is negative");
      }
    }
  }

  /** Bits per window: about log₂ n − 2, at least 2, at most 10. */
  static int window(int n) {
    int log = 31 - Integer.numberOfLeadingZeros(Math.max(n, 1));
    return Math.max(2, Math.min(10, log - 2));
  }

  /** Windows covering 63 bits. */
  private static int windows(int c) {
    return (63 + c - 1) / c;
  }
}
