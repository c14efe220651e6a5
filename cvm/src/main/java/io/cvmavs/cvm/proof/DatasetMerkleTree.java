package io.cvmavs.cvm.proof;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The dataset Merkle tree shared by the Java CVM and the Solidity {@code DatasetProofs} library.
 *
 * <ul>
 *   <li>leaves are canonical records (see {@link CanonicalEncoding}) in canonical order (see {@link
 *       CanonicalOrder});
 *   <li>{@code leaf = keccak256(0x00 ‖ record)}, {@code node = keccak256(0x01 ‖ left ‖ right)};
 *   <li>the tree over {@code n > 1} leaves is {@code node(tree(first k), tree(rest))} with {@code
 *       k} the largest power of two strictly below {@code n} (RFC 6962 / RFC 9162 shape: an odd
 *       node is never duplicated, it is carried up unchanged);
 *   <li>the tree over one leaf is that leaf's hash; the empty tree's root is {@code keccak256("")}.
 * </ul>
 *
 * <p>Built bottom-up, which yields exactly the RFC 6962 shape: pairing neighbours level by level
 * and promoting a lone last node equals splitting at the largest power of two. All levels are kept
 * (about {@code 64·n} bytes) so that proofs are cheap. Instances are immutable and thread-safe.
 */
public final class DatasetMerkleTree {
  static final byte LEAF_PREFIX = 0x00;
  private static final int PARALLEL_THRESHOLD = 1 << 14;
  static final byte NODE_PREFIX = 0x01;
  private static final int H = Keccak.HASH_BYTES;

  /** {@code keccak256("")}. */
  public static final byte[] EMPTY_ROOT = Keccak.hash(new byte[0]);

  /** levels[0] = leaf hashes; levels[last] = the root (one hash), unless the tree is empty. */
  private final byte[][] levels;

  private final int leafCount;

  private DatasetMerkleTree(byte[][] levels, int leafCount) {
    this.levels = levels;
    this.leafCount = leafCount;
  }

  /** The tree over canonical records, which must already be in canonical order. */
  public static DatasetMerkleTree ofRecords(List<byte[]> records) {
    int n = records.size();
    byte[] leaves = new byte[Math.multiplyExact(n, H)];
    forEachChunk(n, i -> Keccak.hashPrefixed(LEAF_PREFIX, records.get(i), leaves, i * H));
    return build(leaves);
  }

  /**
   * The tree over leaf hashes ({@code keccak256(0x00 ‖ record)}), concatenated in canonical order.
   */
  public static DatasetMerkleTree ofLeafHashes(byte[] concatenatedLeafHashes) {
    if (concatenatedLeafHashes.length % H != 0) {
      throw new ProofException(
          "leaf hashes must be a multiple of 32 bytes, got " + concatenatedLeafHashes.length);
    }
    return build(concatenatedLeafHashes.clone());
  }

  private static DatasetMerkleTree build(byte[] leafHashes) {
    int n = leafHashes.length / H;
    List<byte[]> levels = new ArrayList<>();
    levels.add(leafHashes);
    byte[] level = levels.get(0);
    int size = n;
    while (size > 1) {
      int parentSize = (size + 1) / 2;
      byte[] parent = new byte[parentSize * H];
      byte[] child = level;
      forEachChunk(
          size / 2,
          j ->
              Keccak.hashPair(
                  NODE_PREFIX, child, 2 * j * H, child, (2 * j + 1) * H, parent, j * H));
      if (size % 2 == 1) {
        System.arraycopy(level, (size - 1) * H, parent, (parentSize - 1) * H, H);
      }
      levels.add(parent);
      level = parent;
      size = parentSize;
    }
    return new DatasetMerkleTree(levels.toArray(new byte[0][]), n);
  }

  /**
   * Runs {@code body} for 0..n-1, split over the common pool when n is large (hashes are
   * independent).
   */
  private static void forEachChunk(int n, IntConsumer body) {
    if (n < PARALLEL_THRESHOLD) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    int chunks = Math.max(1, Math.min(n / 4096, ForkJoinPool.getCommonPoolParallelism() * 4));
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            c -> {
              int from = (int) ((long) n * c / chunks);
              int to = (int) ((long) n * (c + 1) / chunks);
              for (int i = from; i < to; i++) {
                body.accept(i);
              }
            });
  }

  public static byte[] leafHash(byte[] record) {
    byte[] out = new byte[H];
    Keccak.hashPrefixed(LEAF_PREFIX, record, out, 0);
    return out;
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    byte[] out = new byte[H];
    Keccak.hashPair(NODE_PREFIX, left, 0, right, 0, out, 0);
    return out;
  }

  public int leafCount() {
    return leafCount;
  }

  public byte[] root() {
    if (leafCount == 0) {
      return EMPTY_ROOT.clone();
    }
    return levels[levels.length - 1].clone();
  }

  public byte[] leafHashAt(int index) {
    checkIndex(index);
    return Arrays.copyOfRange(levels[0], index * H, (index + 1) * H);
  }

  /** The inclusion proof of leaf {@code index}: its siblings from the leaf level up to the root. */
  public InclusionProof proof(int index) {
    checkIndex(index);
    List<byte[]> siblings = new ArrayList<>();
    int i = index;
    int size = leafCount;
    for (int l = 0; l < levels.length - 1; l++) {
      int sibling = (i % 2 == 0) ? i + 1 : i - 1;
      if (sibling < size) {
        siblings.add(Arrays.copyOfRange(levels[l], sibling * H, (sibling + 1) * H));
      }
      i /= 2;
      size = (size + 1) / 2;
    }
    return new InclusionProof(index, leafCount, siblings);
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= leafCount) {
      throw new ProofException(
          "leaf index " + index + " is outside the tree of " + leafCount + " leaves");
    }
  }
}
