package io.cvmavs.consensus.light;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * CometBFT's simple Merkle tree (RFC 6962 style, SHA-256): leaf = H(0x00 || item), inner = H(0x01
 * || left || right), the items split at the largest power of two smaller than their count; the
 * empty tree hashes to H("").
 */
public final class Merkle {
  private Merkle() {}

  /** The root over {@code items} in order. */
  public static byte[] root(List<byte[]> items) {
    return root(items, 0, items.size());
  }

  private static byte[] root(List<byte[]> items, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return sha256().digest();
    }
    if (n == 1) {
      MessageDigest d = sha256();
      d.update((byte) 0x00);
      d.update(items.get(from));
      return d.digest();
    }
    int k = Integer.highestOneBit(n - 1);
    byte[] left = root(items, from, from + k);
    byte[] right = root(items, from + k, to);
    MessageDigest d = sha256();
    d.update((byte) 0x01);
    d.update(left);
    d.update(right);
    return d.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
