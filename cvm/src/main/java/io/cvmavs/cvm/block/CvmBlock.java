package io.cvmavs.cvm.block;

import io.cvmavs.cvm.proof.CanonicalDataset;
import java.util.Map;

/**
 * A CVM block: the header and, per dataset, the records in canonical order (with their Merkle
 * tree).
 */
public record CvmBlock(CvmBlockHeader header, Map<String, CanonicalDataset> datasets) {
  public CvmBlock {
    datasets = Map.copyOf(datasets);
  }

  public byte[] hash() {
    return header.hash();
  }

  /** The proof that record {@code index} of dataset {@code name} is in this block. */
  public RecordProof prove(String name, int index) {
    CanonicalDataset ds = datasets.get(name);
    if (ds == null) {
      throw new BlockException("block " + header.height() + " has no dataset '" + name + "'");
    }
    if (index < 0 || index >= ds.size()) {
      throw new BlockException(
          "dataset '"
              + name
              + "' of block "
              + header.height()
              + " has "
              + ds.size()
              + " records, no record "
              + index);
    }
    return new RecordProof(header, name, ds.record(index), ds.proof(index));
  }

  /** The proof for the record with this primary key (values in key order). */
  public RecordProof proveKey(String name, Object... key) {
    CanonicalDataset ds = datasets.get(name);
    if (ds == null) {
      throw new BlockException("block " + header.height() + " has no dataset '" + name + "'");
    }
    int i = ds.indexOfKey(key);
    if (i < 0) {
      throw new BlockException(
          "dataset '"
              + name
              + "' of block "
              + header.height()
              + " has no record with key "
              + java.util.Arrays.toString(key));
    }
    return prove(name, i);
  }
}
