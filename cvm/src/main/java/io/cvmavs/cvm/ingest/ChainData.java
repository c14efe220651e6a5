package io.cvmavs.cvm.ingest;

import java.util.List;
import java.util.Optional;

/**
 * Where a manuscript run reads chain rows from: rows of {@code chain.table} with block_number in
 * {@code [from, to]}, values in the table's column order. {@link SegmentStore} is the stored
 * implementation.
 */
@FunctionalInterface
public interface ChainData {
  List<Object[]> rows(String chain, ChainTable table, long fromBlock, long toBlock);

  /**
   * The same rows as files that parallel tasks can read themselves ({@link SegmentStore#readPart}),
   * so they need not travel inside the job; empty when the rows only exist in this process.
   */
  default Optional<List<SegmentStore.SegmentPart>> parts(
      String chain, ChainTable table, long fromBlock, long toBlock) {
    return Optional.empty();
  }
}
