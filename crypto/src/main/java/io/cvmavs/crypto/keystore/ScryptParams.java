package io.cvmavs.crypto.keystore;

/**
 * scrypt cost parameters for new keystores. {@link #STANDARD} is what geth and eigensdk write (n =
 * 2^18, r = 8, p = 1: about 256 MiB and a second per derivation); {@link #LIGHT} is geth's light
 * setting, for tests.
 */
public record ScryptParams(int n, int r, int p) {
  public static final ScryptParams STANDARD = new ScryptParams(262144, 8, 1);
  public static final ScryptParams LIGHT = new ScryptParams(4096, 8, 6);

  public ScryptParams {
    if (n < 2 || (n & (n - 1)) != 0) {
      throw new IllegalArgumentException("scrypt n must be a power of two >= 2, got " + n);
    }
    if (r < 1 || p < 1) {
      throw new IllegalArgumentException("scrypt r and p must be >= 1, got r=" + r + " p=" + p);
    }
  }
}
