package io.cvmavs.cvm.ingest;

import java.util.Map;

/**
 * What a stored segment holds: the chain, the block range (inclusive), the hashes that link it to
 * its neighbours, and per table the row count and Merkle root. Written last, so a segment without a
 * manifest was never completed.
 */
public record SegmentManifest(
    int formatVersion,
    String chain,
    long fromBlock,
    long toBlock,
    String firstParentHash,
    String lastBlockHash,
    Map<String, TableSummary> tables,
    String sourceRoot) {
  public static final int FORMAT_VERSION = 1;

  public record TableSummary(long rows, String root) {}

  public long blockCount() {
    return toBlock - fromBlock + 1;
  }
}
