package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a run: rows per sink, and for each {@code dataset} sink its canonical dataset
 * (records, root, proofs).
 */
public record RunResult(
    Map<String, Long> rowsPerSink,
    Map<String, CanonicalDataset> datasets,
    int parallelism,
    Duration elapsed) {
  public RunResult {
    rowsPerSink = Map.copyOf(rowsPerSink);
    datasets = Map.copyOf(datasets);
  }

  /**
   * The run's dataset root: with one dataset sink, that dataset's root; with several, the root of
   * the tree over {@code encode(sinkName, rowCount, root)} for the sinks sorted by name; with none,
   * the empty-tree root.
   */
  public byte[] datasetRoot() {
    if (datasets.size() == 1) {
      return datasets.values().iterator().next().root();
    }
    List<byte[]> leaves = new ArrayList<>();
    new TreeMap<>(datasets)
        .forEach(
            (name, ds) -> leaves.add(CanonicalEncoding.encode(name, (long) ds.size(), ds.root())));
    return DatasetMerkleTree.ofRecords(leaves).root();
  }
}
