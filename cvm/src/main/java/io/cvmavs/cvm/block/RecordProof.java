package io.cvmavs.cvm.block;

import io.cvmavs.cvm.proof.DatasetRootProof;
import io.cvmavs.cvm.proof.InclusionProof;
import java.util.Arrays;
import java.util.List;

/**
 * Everything needed to check that a record belongs to a CVM block, given only the block hash: the
 * header (which hashes to the block hash and holds the dataset's root and record count), the
 * canonical record, and its inclusion proof.
 */
public record RecordProof(
    CvmBlockHeader header, String dataset, byte[] record, InclusionProof proof) {
  public RecordProof {
    record = record.clone();
  }

  @Override
  public byte[] record() {
    return record.clone();
  }

  /**
   * The proof from this record's dataset root to the {@code datasetRoot} of the task response that
   * attests the block (see {@link DatasetRootProof}), derived from the header's dataset entries.
   */
  public DatasetRootProof datasetProof() {
    header.dataset(dataset);
    return DatasetRootProof.of(entries(header), dataset);
  }

  /** The {@code datasetRoot} a task response attesting this block carries. */
  public byte[] responseDatasetRoot() {
    return DatasetRootProof.responseDatasetRoot(entries(header));
  }

  static List<DatasetRootProof.Entry> entries(CvmBlockHeader header) {
    return header.datasets().stream()
        .map(d -> new DatasetRootProof.Entry(d.name(), d.recordCount(), d.root()))
        .toList();
  }

  /**
   * Throws {@link BlockException} saying what does not match; returns normally when the proof
   * holds.
   */
  public void verify(byte[] expectedBlockHash) {
    if (!Arrays.equals(header.hash(), expectedBlockHash)) {
      throw new BlockException("the header does not hash to the expected block hash");
    }
    DatasetEntry entry = header.dataset(dataset);
    if (proof.leafCount() != entry.recordCount()) {
      throw new BlockException(
          "the proof is for a tree of "
              + proof.leafCount()
              + " records but dataset '"
              + dataset
              + "' has "
              + entry.recordCount());
    }
    if (!proof.verifyRecord(entry.root(), record)) {
      throw new BlockException(
          "the record is not leaf " + proof.leafIndex() + " of dataset '" + dataset + "'");
    }
  }
}
