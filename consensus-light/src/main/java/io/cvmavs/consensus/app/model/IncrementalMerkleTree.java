package io.cvmavs.consensus.app.model;

import io.cvmavs.cvm.proof.Keccak;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * An append-only depth-32 Merkle tree as the Ethereum deposit contract keeps it (checkpoint spec,
 * "Accumulators"): keccak256 nodes, empty leaves bytes32(0), {@code zero[i+1] = keccak(zero[i] ‖
 * zero[i])}, the root over leaves {@code 0..count-1} with the rest empty and no length mix-in. Only
 * the 32-word branch and the count are kept, so appending and the root are O(32). Mutable; not
 * thread-safe.
 */
public final class IncrementalMerkleTree {
  public static final int DEPTH = 32;
  private static final byte[][] ZERO = new byte[DEPTH + 1][];

  static {
    ZERO[0] = new byte[32];
    for (int i = 0; i < DEPTH; i++) {
      ZERO[i + 1] = node(ZERO[i], ZERO[i]);
    }
  }

  private final byte[][] branch = new byte[DEPTH][];
  private long count;

  public IncrementalMerkleTree() {
    Arrays.fill(branch, ZERO[0]);
  }

  /** {@code zero[level]}: the root of an empty subtree of that height. */
  public static byte[] zero(int level) {
    return ZERO[level].clone();
  }

  public static byte[] node(byte[] left, byte[] right) {
    byte[] both = new byte[64];
    System.arraycopy(left, 0, both, 0, 32);
    System.arraycopy(right, 0, both, 32, 32);
    return Keccak.hash(both);
  }

  public long count() {
    return count;
  }

  /** Appends {@code leaf} (32 bytes) as leaf number {@link #count()}. */
  public void append(byte[] leaf) {
    if (leaf.length != 32) {
      throw new AppException("an accumulator leaf has 32 bytes, got " + leaf.length);
    }
    if (count >= (1L << DEPTH) - 1) {
      throw new AppException("the accumulator is full (" + count + " leaves)");
    }
    count++;
    long size = count;
    byte[] n = leaf.clone();
    for (int h = 0; h < DEPTH; h++) {
      if ((size & 1) == 1) {
        branch[h] = n;
        return;
      }
      n = node(branch[h], n);
      size >>>= 1;
    }
    throw new IllegalStateException("unreachable: the tree has room for " + count + " leaves");
  }

  public byte[] root() {
    byte[] n = ZERO[0];
    long size = count;
    for (int h = 0; h < DEPTH; h++) {
      n = (size & 1) == 1 ? node(branch[h], n) : node(n, ZERO[h]);
      size >>>= 1;
    }
    return n;
  }

  public IncrementalMerkleTree copy() {
    IncrementalMerkleTree t = new IncrementalMerkleTree();
    System.arraycopy(branch, 0, t.branch, 0, DEPTH);
    t.count = count;
    return t;
  }

  public void writeTo(DataOutputStream out) throws IOException {
    out.writeLong(count);
    for (byte[] b : branch) {
      out.write(b);
    }
  }

  public static IncrementalMerkleTree readFrom(DataInputStream in) throws IOException {
    IncrementalMerkleTree t = new IncrementalMerkleTree();
    t.count = in.readLong();
    if (t.count < 0 || t.count >= 1L << DEPTH) {
      throw new IOException("accumulator count " + t.count + " out of range");
    }
    for (int i = 0; i < DEPTH; i++) {
      t.branch[i] = in.readNBytes(32);
      if (t.branch[i].length != 32) {
        throw new IOException("accumulator branch " + i + " truncated");
      }
    }
    return t;
  }

  /**
   * The proof of leaf {@code index} of the tree over {@code leaves} as the contracts take it
   * ({@code CvmAccumulator.computeRoot}): the sibling hashes bottom up, with the top siblings left
   * out while they are empty subtrees ({@code zero[level]}), so a tree of n &le; 2^k leaves gives
   * at most k siblings. {@link #rootFromProof} turns it back into the depth-32 root.
   */
  public static java.util.List<byte[]> proof(java.util.List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new AppException(
          "accumulator leaf " + index + " is not among the " + leaves.size() + " leaves");
    }
    byte[][] full = new byte[DEPTH][];
    rootOf(leaves, index, full);
    int n = DEPTH;
    while (n > 0 && Arrays.equals(full[n - 1], ZERO[n - 1])) {
      n--;
    }
    return java.util.List.of(Arrays.copyOf(full, n));
  }

  /**
   * The depth-32 root implied by {@code leaf} at {@code index} and a (possibly shortened) proof:
   * siblings beyond the proof's length are {@code zero[level]}. The same computation as the
   * contracts' {@code CvmAccumulator.computeRoot}; refuses a proof of more than 32 siblings or an
   * index that does not fit in 32 bits, as they do.
   */
  public static byte[] rootFromProof(byte[] leaf, long index, java.util.List<byte[]> siblings) {
    if (siblings.size() > DEPTH || index < 0 || index >>> DEPTH != 0) {
      throw new AppException(
          "malformed accumulator proof: index " + index + ", " + siblings.size() + " siblings");
    }
    byte[] n = leaf;
    for (int level = 0; level < DEPTH; level++) {
      byte[] sibling = level < siblings.size() ? siblings.get(level) : ZERO[level];
      n = ((index >>> level) & 1) == 1 ? node(sibling, n) : node(n, sibling);
    }
    return n;
  }

  /**
   * Root over {@code leaves} computed level by level, the straightforward way — the reference the
   * incremental tree is tested against — and the proof of leaf {@code index} (32 siblings, bottom
   * up) when {@code proofOut} is non-null.
   */
  public static byte[] rootOf(java.util.List<byte[]> leaves, int index, byte[][] proofOut) {
    java.util.List<byte[]> level = new java.util.ArrayList<>(leaves);
    int i = index;
    for (int h = 0; h < DEPTH; h++) {
      if (proofOut != null) {
        int sibling = i ^ 1;
        proofOut[h] = sibling < level.size() ? level.get(sibling) : ZERO[h];
      }
      java.util.List<byte[]> up = new java.util.ArrayList<>((level.size() + 1) / 2);
      for (int k = 0; k < level.size(); k += 2) {
        up.add(node(level.get(k), k + 1 < level.size() ? level.get(k + 1) : ZERO[h]));
      }
      level = up;
      i >>>= 1;
    }
    return level.isEmpty() ? ZERO[DEPTH].clone() : level.get(0);
  }
}
