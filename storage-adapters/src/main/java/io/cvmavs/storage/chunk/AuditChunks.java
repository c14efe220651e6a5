package io.cvmavs.storage.chunk;

import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.proof.InclusionProof;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The audit Merkle tree over 8 KiB chunks of a block-group file (docs/STORAGE.md "Chunk roots"):
 * the file cut into 8 KiB chunks (the last one shorter), each chunk a leaf of the project's dataset
 * Merkle tree ({@link DatasetMerkleTree}: {@code keccak256(0x00 ‖ chunk)} leaves, {@code
 * keccak256(0x01 ‖ l ‖ r)} nodes, RFC 9162 shape), so the Solidity {@code DatasetProofs} library
 * verifies its paths unchanged.
 */
public final class AuditChunks {
  public static final int CHUNK = 8 * 1024;

  private final byte[] data;
  private final DatasetMerkleTree tree;

  private AuditChunks(byte[] data, DatasetMerkleTree tree) {
    this.data = data;
    this.tree = tree;
  }

  public static AuditChunks of(byte[] data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("an empty file has no audit chunks");
    }
    return new AuditChunks(data, DatasetMerkleTree.ofRecords(split(data)));
  }

  public static int chunkCount(long size) {
    return (int) Math.ceilDiv(size, CHUNK);
  }

  static List<byte[]> split(byte[] data) {
    List<byte[]> out = new ArrayList<>(chunkCount(data.length));
    for (int off = 0; off < data.length; off += CHUNK) {
      out.add(Arrays.copyOfRange(data, off, Math.min(data.length, off + CHUNK)));
    }
    return out;
  }

  public byte[] root() {
    return tree.root();
  }

  public int count() {
    return tree.leafCount();
  }

  public byte[] chunk(int index) {
    int off = Math.multiplyExact(index, CHUNK);
    return Arrays.copyOfRange(data, off, Math.min(data.length, off + CHUNK));
  }

  public InclusionProof proof(int index) {
    return tree.proof(index);
  }
}
