package io.cvmavs.cvm.block;

import io.cvmavs.cvm.engine.RunResult;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the next CVM block of a manuscript from a run's datasets and the source commitment of its
 * block range. The block is a function of its inputs only: every builder (node, challenger, {@code
 * cvm serve}, {@code cvm prove}) passes the timestamp of the range's last chain block (e.g. {@link
 * io.cvmavs.cvm.ingest.SegmentStore#blockTimestamp}), never the wall clock, so all honest builders
 * get the same block hash.
 */
public final class CvmBlockBuilder {

  /**
   * @param parent the previous block's header; empty for the first block (height 0)
   * @param timestamp seconds since the epoch of the range's last chain block
   */
  public CvmBlock build(
      Optional<CvmBlockHeader> parent,
      Manuscript manuscript,
      SourceCommitment source,
      RunResult run,
      long timestamp) {
    return build(parent, manuscript.hash(), source, run.datasets(), timestamp);
  }

  public CvmBlock build(
      Optional<CvmBlockHeader> parent,
      byte[] manuscriptHash,
      SourceCommitment source,
      Map<String, CanonicalDataset> datasets,
      long timestamp) {
    if (parent.isPresent() && source.fromBlock() != parent.get().input().toBlock() + 1) {
      throw new BlockException(
          "block range "
              + source.fromBlock()
              + "-"
              + source.toBlock()
              + " does not follow the parent's "
              + parent.get().input().fromBlock()
              + "-"
              + parent.get().input().toBlock());
    }
    if (parent.isPresent()
        && !java.util.Arrays.equals(parent.get().manuscriptHash(), manuscriptHash)) {
      throw new BlockException("the parent block belongs to another manuscript");
    }
    List<DatasetEntry> entries = new ArrayList<>();
    datasets.forEach(
        (name, ds) -> entries.add(new DatasetEntry(name, ds.size(), ds.root(), ds.schemaHash())));
    byte[] datasetsRoot = CvmBlockHeader.datasetsRoot(entries);
    byte[] parentState = parent.map(CvmBlockHeader::stateRoot).orElse(CvmBlockHeader.ZERO_HASH);
    CvmBlockHeader header =
        new CvmBlockHeader(
            parent.map(p -> p.height() + 1).orElse(0L),
            parent.map(CvmBlockHeader::hash).orElse(CvmBlockHeader.ZERO_HASH),
            new InputCommitment(
                source.chain(), source.fromBlock(), source.toBlock(), source.root()),
            manuscriptHash,
            entries,
            CvmBlockHeader.nextStateRoot(parentState, datasetsRoot),
            timestamp);
    return new CvmBlock(header, datasets);
  }
}
