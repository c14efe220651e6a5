package io.cvmavs.cvm.block;

/**
 * One attested dataset of a block: the dataset sink's name, its record count (which proofs must
 * match: RFC 9162 paths do not bind the tree size), its Merkle root and the hash of its column
 * names.
 */
public record DatasetEntry(String name, long recordCount, byte[] root, byte[] schemaHash) {
  public DatasetEntry {
    root = root.clone();
    schemaHash = schemaHash.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public byte[] schemaHash() {
    return schemaHash.clone();
  }
}
