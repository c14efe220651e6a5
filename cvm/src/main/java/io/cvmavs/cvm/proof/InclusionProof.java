package io.cvmavs.cvm.proof;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Proof that a record is leaf {@code leafIndex} of a {@link DatasetMerkleTree} with {@code
 * leafCount} leaves: the sibling hashes from the leaf level to the root, bottom-up. A level where
 * the node has no sibling (the lone last node of an odd level, carried up unchanged) contributes
 * nothing.
 */
public record InclusionProof(long leafIndex, long leafCount, List<byte[]> siblings) {
  public InclusionProof {
    siblings = siblings.stream().map(byte[]::clone).toList();
    for (byte[] s : siblings) {
      if (s.length != Keccak.HASH_BYTES) {
        throw new ProofException("a proof sibling must be 32 bytes, got " + s.length);
      }
    }
  }

  /** True when {@code record} is leaf {@code leafIndex} of the tree whose root is {@code root}. */
  public boolean verifyRecord(byte[] root, byte[] record) {
    return verifyLeafHash(root, DatasetMerkleTree.leafHash(record));
  }

  public boolean verifyLeafHash(byte[] root, byte[] leafHash) {
    byte[] computed = computeRoot(leafHash);
    return computed != null && Arrays.equals(computed, root);
  }

  /**
   * The root this proof implies for {@code leafHash}, or {@code null} when the proof does not fit
   * its tree (index out of range, too many or too few siblings). The algorithm of RFC 9162
   * §2.1.3.2.
   */
  public byte[] computeRoot(byte[] leafHash) {
    if (leafCount <= 0 || leafIndex < 0 || leafIndex >= leafCount) {
      return null;
    }
    long fn = leafIndex;
    long sn = leafCount - 1;
    byte[] r = leafHash.clone();
    for (byte[] p : siblings) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = DatasetMerkleTree.nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = DatasetMerkleTree.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }

  @Override
  public List<byte[]> siblings() {
    return siblings.stream().map(byte[]::clone).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InclusionProof p
        && p.leafIndex == leafIndex
        && p.leafCount == leafCount
        && p.siblings.size() == siblings.size()
        && java.util.stream.IntStream.range(0, siblings.size())
            .allMatch(i -> Arrays.equals(p.siblings.get(i), siblings.get(i)));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(leafIndex) * 31 + Long.hashCode(leafCount);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "InclusionProof[leafIndex="
        + leafIndex
        + ", leafCount="
        + leafCount
        + ", siblings="
        + siblings.stream().map(s -> "0x" + hex.formatHex(s)).toList()
        + "]";
  }
}
