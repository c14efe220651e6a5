package io.cvmavs.cvm.proof;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Keccak-256 (the EVM's {@code keccak256}) with one reusable digest per thread. Same output as
 * web3j's {@code Hash.sha3}, without allocating a digest per call: the Merkle tree hashes millions
 * of 33- and 65-byte inputs.
 */
public final class Keccak {
  public static final int HASH_BYTES = 32;

  private static final ThreadLocal<KeccakDigest> DIGEST =
      ThreadLocal.withInitial(() -> new KeccakDigest(256));

  private Keccak() {}

  public static byte[] hash(byte[] input) {
    byte[] out = new byte[HASH_BYTES];
    hash(input, 0, input.length, out, 0);
    return out;
  }

  /** Hashes {@code input[offset, offset+length)} into {@code out[outOffset, outOffset+32)}. */
  public static void hash(byte[] input, int offset, int length, byte[] out, int outOffset) {
    KeccakDigest digest = DIGEST.get();
    digest.update(input, offset, length);
    digest.doFinal(out, outOffset);
  }

  /** {@code keccak256(prefix ‖ input)} into {@code out[outOffset, outOffset+32)}. */
  static void hashPrefixed(byte prefix, byte[] input, byte[] out, int outOffset) {
    KeccakDigest digest = DIGEST.get();
    digest.update(prefix);
    digest.update(input, 0, input.length);
    digest.doFinal(out, outOffset);
  }

  /**
   * {@code keccak256(prefix ‖ a[aOff, aOff+32) ‖ b[bOff, bOff+32))} into {@code out[outOffset,
   * outOffset+32)}.
   */
  static void hashPair(
      byte prefix, byte[] a, int aOff, byte[] b, int bOff, byte[] out, int outOffset) {
    KeccakDigest digest = DIGEST.get();
    digest.update(prefix);
    digest.update(a, aOff, HASH_BYTES);
    digest.update(b, bOff, HASH_BYTES);
    digest.doFinal(out, outOffset);
  }
}
