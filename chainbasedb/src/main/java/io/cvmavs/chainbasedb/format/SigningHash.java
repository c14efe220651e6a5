package io.cvmavs.chainbasedb.format;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The signing hash of a mutation (docs/DB3-FORMAT.md §5): a SHA-256 Merkle tree over the six signed
 * fields in the order version, chain_id, sender_payment_chain_id, nonce, type, data.
 *
 * <ul>
 *   <li>leaf_i = SHA-256(0x00 ‖ PLAIN(field_i)) — the field's canonical PLAIN encoding;
 *   <li>node = SHA-256(0x01 ‖ left ‖ right);
 *   <li>shape as RFC 6962 §2.1: a list of n &gt; 1 leaves splits at the largest power of two k &lt;
 *       n. For six leaves: root = node(node(node(l0,l1), node(l2,l3)), node(l4,l5)).
 * </ul>
 */
public final class SigningHash {
  private SigningHash() {}

  /** The six leaf preimages without the 0x00 prefix (the PLAIN encodings), in order. */
  public static List<byte[]> fieldEncodings(
      long version, long chainId, String paymentChain, long nonce, MutationType type, byte[] data) {
    return List.of(
        new Plain.Writer().u32(version).toBytes(),
        new Plain.Writer().u64(chainId).toBytes(),
        new Plain.Writer().string(paymentChain).toBytes(),
        new Plain.Writer().u64(nonce).toBytes(),
        new Plain.Writer().string(type.name()).toBytes(),
        new Plain.Writer().bytes(data).toBytes());
  }

  public static byte[] root(
      long version, long chainId, String paymentChain, long nonce, MutationType type, byte[] data) {
    List<byte[]> fields = fieldEncodings(version, chainId, paymentChain, nonce, type, data);
    byte[][] leaves = new byte[fields.size()][];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = sha256((byte) 0x00, fields.get(i));
    }
    return merkle(leaves, 0, leaves.length);
  }

  static byte[] merkle(byte[][] leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves[from];
    }
    int k = Integer.highestOneBit(n - 1);
    return sha256((byte) 0x01, merkle(leaves, from, from + k), merkle(leaves, from + k, to));
  }

  static byte[] sha256(byte prefix, byte[]... parts) {
    MessageDigest md = newSha256();
    md.update(prefix);
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
