package io.cvmavs.cvm.block;

import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.proof.Keccak;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A CVM block header.
 *
 * <pre>
 * datasetsRoot = dataset root over encode(name, recordCount, root, schemaHash), entries sorted by name
 * stateRoot    = keccak256(parent.stateRoot ‖ datasetsRoot)          (genesis parent stateRoot = 32 zero bytes)
 * blockHash    = keccak256(encode(height, parentHash, chain, fromBlock, toBlock, sourceRoot,
 *                                 manuscriptHash, datasetsRoot, stateRoot, timestamp))
 * </pre>
 *
 * {@code encode} is {@link CanonicalEncoding}: integers as INTEGER, hashes as BYTES, the chain as
 * STRING. The state root accumulates every block's outputs, so a header commits to the whole
 * history of its manuscript chain.
 *
 * @param timestamp seconds since the epoch, chosen by the builder (not part of any dataset)
 */
public record CvmBlockHeader(
    long height,
    byte[] parentHash,
    InputCommitment input,
    byte[] manuscriptHash,
    List<DatasetEntry> datasets,
    byte[] stateRoot,
    long timestamp) {
  public static final byte[] ZERO_HASH = new byte[32];

  public CvmBlockHeader {
    parentHash = parentHash.clone();
    manuscriptHash = manuscriptHash.clone();
    stateRoot = stateRoot.clone();
    List<DatasetEntry> sorted = new ArrayList<>(datasets);
    sorted.sort(Comparator.comparing(DatasetEntry::name));
    datasets = List.copyOf(sorted);
  }

  public static byte[] datasetsRoot(List<DatasetEntry> datasets) {
    List<byte[]> leaves = new ArrayList<>();
    datasets.stream()
        .sorted(Comparator.comparing(DatasetEntry::name))
        .forEach(
            d ->
                leaves.add(
                    CanonicalEncoding.encode(d.name(), d.recordCount(), d.root(), d.schemaHash())));
    return DatasetMerkleTree.ofRecords(leaves).root();
  }

  public static byte[] nextStateRoot(byte[] parentStateRoot, byte[] datasetsRoot) {
    byte[] both = new byte[64];
    System.arraycopy(parentStateRoot, 0, both, 0, 32);
    System.arraycopy(datasetsRoot, 0, both, 32, 32);
    return Keccak.hash(both);
  }

  public byte[] datasetsRoot() {
    return datasetsRoot(datasets);
  }

  public byte[] hash() {
    return Keccak.hash(
        CanonicalEncoding.encode(
            height,
            parentHash,
            input.chain(),
            input.fromBlock(),
            input.toBlock(),
            input.sourceRoot(),
            manuscriptHash,
            datasetsRoot(),
            stateRoot,
            timestamp));
  }

  public DatasetEntry dataset(String name) {
    return datasets.stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new BlockException("block " + height + " has no dataset '" + name + "'"));
  }

  @Override
  public byte[] parentHash() {
    return parentHash.clone();
  }

  @Override
  public byte[] manuscriptHash() {
    return manuscriptHash.clone();
  }

  @Override
  public byte[] stateRoot() {
    return stateRoot.clone();
  }
}
