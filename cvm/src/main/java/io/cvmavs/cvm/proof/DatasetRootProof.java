package io.cvmavs.cvm.proof;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Proof that a dataset's root is part of the {@code datasetRoot} a task response carries.
 *
 * <p>With one attested dataset the response carries that dataset's root itself: the proof is
 * {@linkplain #isSingle() single} ({@code path == null}) and binds neither name nor count. With
 * several, the response carries the {@link DatasetMerkleTree} root over {@code encode(name,
 * recordCount, root)} ({@link CanonicalEncoding}: STRING, INTEGER, BYTES) sorted by name, and
 * {@code path} is the inclusion proof of this dataset's entry. Mirrored by {@code
 * CvmAttestedRecords.sol} (its {@code DatasetProof} with {@code leafCount == 0} for single).
 *
 * @param datasetRoot the dataset's own Merkle root (the root its record proofs lead to)
 * @param path the entry's inclusion proof, or {@code null} for a single dataset
 */
public record DatasetRootProof(
    String name, long recordCount, byte[] datasetRoot, InclusionProof path) {

  /** One dataset as a response commits to it. */
  public record Entry(String name, long recordCount, byte[] root) {
    public Entry {
      root = root.clone();
    }

    @Override
    public byte[] root() {
      return root.clone();
    }

    /** {@code encode(name, recordCount, root)}: the entry's leaf record. */
    public byte[] encoded() {
      return CanonicalEncoding.encode(name, recordCount, root);
    }
  }

  public DatasetRootProof {
    datasetRoot = datasetRoot.clone();
    if (datasetRoot.length != Keccak.HASH_BYTES) {
      throw new ProofException("a dataset root must be 32 bytes, got " + datasetRoot.length);
    }
  }

  @Override
  public byte[] datasetRoot() {
    return datasetRoot.clone();
  }

  public boolean isSingle() {
    return path == null;
  }

  /**
   * The response's {@code datasetRoot} over these entries: the only entry's root, or the tree over
   * the encoded entries sorted by name (the empty tree's root for none).
   */
  public static byte[] responseDatasetRoot(List<Entry> entries) {
    List<Entry> sorted = sorted(entries);
    if (sorted.size() == 1) {
      return sorted.get(0).root();
    }
    return DatasetMerkleTree.ofRecords(sorted.stream().map(Entry::encoded).toList()).root();
  }

  /** The proof for dataset {@code name} among {@code entries}. */
  public static DatasetRootProof of(List<Entry> entries, String name) {
    List<Entry> sorted = sorted(entries);
    int index = -1;
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i).name().equals(name)) {
        index = i;
      }
    }
    if (index < 0) {
      throw new ProofException(
          "no dataset '" + name + "' among " + sorted.stream().map(Entry::name).toList());
    }
    Entry e = sorted.get(index);
    if (sorted.size() == 1) {
      return new DatasetRootProof(e.name(), e.recordCount(), e.root(), null);
    }
    InclusionProof path =
        DatasetMerkleTree.ofRecords(sorted.stream().map(Entry::encoded).toList()).proof(index);
    return new DatasetRootProof(e.name(), e.recordCount(), e.root(), path);
  }

  /**
   * The response {@code datasetRoot} this proof implies, or {@code null} if the path is malformed.
   */
  public byte[] computeResponseRoot() {
    if (path == null) {
      return datasetRoot.clone();
    }
    return path.computeRoot(
        DatasetMerkleTree.leafHash(new Entry(name, recordCount, datasetRoot).encoded()));
  }

  public boolean verify(byte[] responseDatasetRoot) {
    byte[] computed = computeResponseRoot();
    return computed != null && Arrays.equals(computed, responseDatasetRoot);
  }

  private static List<Entry> sorted(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::name));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        throw new ProofException("dataset '" + sorted.get(i).name() + "' appears twice");
      }
    }
    return sorted;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatasetRootProof p
        && p.name.equals(name)
        && p.recordCount == recordCount
        && Arrays.equals(p.datasetRoot, datasetRoot)
        && java.util.Objects.equals(p.path, path);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(datasetRoot);
  }

  @Override
  public String toString() {
    return "DatasetRootProof[name="
        + name
        + ", recordCount="
        + recordCount
        + ", datasetRoot=0x"
        + java.util.HexFormat.of().formatHex(datasetRoot)
        + ", path="
        + path
        + "]";
  }
}
